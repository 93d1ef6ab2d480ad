package dev.kernelgate.javakernel;

import java.util.function.Consumer;

/**
 * Rich output for snippets of the Java kernel, where {@code display} and {@code html} are statically imported:
 *
 * <pre>{@code
 * display(image);                       // a java.awt.image.BufferedImage: image/png
 * display(html("<b>bold</b>"));         // text/html
 * display(myObject);                    // text/html too if it has a String toHtml() method
 * }</pre>
 *
 * Each call publishes one {@code display_data} message with {@code text/plain} always, {@code text/html} for an
 * object with a no-argument {@code toHtml()} method returning text, and {@code image/png} (base64) for a
 * {@link java.awt.image.RenderedImage} (AWT runs headless in the kernel).
 *
 * <p>This class is the one bridge from snippet code (loaded by JShell's class loader) to the kernel process
 * it runs in, so it holds the process's display sink in a static field; outside a kernel it prints text.
 */
public final class Display {
    private static volatile Consumer<Object> sink;

    private Display() {
    }

    /** Shows {@code value} below the running cell. */
    public static void display(Object value) {
        Consumer<Object> current = sink;
        if (current == null) {
            System.out.println(value);
        } else {
            current.accept(value);
        }
    }

    /** Markup for {@link #display(Object)} (or as a cell's value) to render as HTML. */
    public static Html html(String markup) {
        return new Html(markup);
    }

    /** HTML markup; {@link #toString()} is the markup itself, the text/plain form. */
    public record Html(String markup) {
        public String toHtml() {
            return markup;
        }

        @Override
        public String toString() {
            return markup;
        }
    }

    static void install(Consumer<Object> displaySink) {
        sink = displaySink;
    }
}
