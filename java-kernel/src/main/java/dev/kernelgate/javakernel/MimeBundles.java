package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code data} of display_data / execute_result for an object: {@code text/plain} always, {@code text/html}
 * when the object has a no-argument {@code toHtml()} returning text (found reflectively, so classes declared in
 * snippets need no import), {@code image/png} for an AWT {@code RenderedImage}. AWT classes are touched only
 * when such an image is shown, so a kernel that never draws never loads them.
 */
final class MimeBundles {
    /** Looked up on first use: SLF4J (and its backend's configuration) is not loaded on the start-up path. */
    private static Logger log() {
        return LoggerFactory.getLogger(MimeBundles.class);
    }

    private static final String RENDERED_IMAGE = "java.awt.image.RenderedImage";

    /** What a class offers beyond text: worked out once per class (the reflective search costs ~50 µs a call). */
    private record Traits(boolean image, Method toHtml) {
    }

    /** A memo of a pure function of the class, not state: every entry could be recomputed at any time. */
    private static final ClassValue<Traits> TRAITS = new ClassValue<>() {
        @Override
        protected Traits computeValue(Class<?> type) {
            return new Traits(isImageType(type), findToHtml(type));
        }
    };

    private MimeBundles() {
    }

    /** The bundle for {@code value}. */
    static ObjectNode of(Object value) {
        return of(value, null);
    }

    /** The bundle for {@code value}, with {@code text} (if not null) as its text/plain unless it is an image. */
    static ObjectNode of(Object value, String text) {
        ObjectNode data = KernelJson.object();
        boolean image = isImage(value);
        data.put("text/plain", image ? PngImages.describe(value) : text != null ? text : plainText(value));
        if (value == null) {
            return data;
        }
        String html = html(value);
        if (html != null) {
            data.put("text/html", html);
        }
        if (image) {
            try {
                data.put("image/png", PngImages.base64(value));
            } catch (RuntimeException | java.io.IOException e) {
                log().warn("cannot encode {} as PNG", value.getClass().getName(), e);
            }
        }
        return data;
    }

    /** Whether {@link #of} would add more than text/plain. */
    static boolean isRich(Object value) {
        return value != null && (isImage(value) || TRAITS.get(value.getClass()).toHtml() != null);
    }

    static String plainText(Object value) {
        if (value != null && value.getClass().isArray()) {
            StringBuilder text = new StringBuilder("[");
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                if (i > 0) {
                    text.append(", ");
                }
                text.append(plainText(Array.get(value, i)));
            }
            return text.append(']').toString();
        }
        return String.valueOf(value);
    }

    private static boolean isImage(Object value) {
        return value != null && TRAITS.get(value.getClass()).image();
    }

    private static boolean isImageType(Class<?> start) {
        for (Class<?> type = start; type != null; type = type.getSuperclass()) {
            if (implementsNamed(type, RENDERED_IMAGE)) {
                return true;
            }
        }
        return false;
    }

    private static boolean implementsNamed(Class<?> type, String name) {
        for (Class<?> iface : type.getInterfaces()) {
            if (iface.getName().equals(name) || implementsNamed(iface, name)) {
                return true;
            }
        }
        return false;
    }

    private static String html(Object value) {
        Method method = TRAITS.get(value.getClass()).toHtml();
        if (method == null) {
            return null;
        }
        try {
            Object html = method.invoke(value);
            return html == null ? null : html.toString();
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            log().debug("toHtml() of {} failed", value.getClass().getName(), e);
            return null;
        }
    }

    private static Method findToHtml(Class<?> type) {
        try {
            Method method = type.getMethod("toHtml");
            if (CharSequence.class.isAssignableFrom(method.getReturnType()) && trySetAccessible(method)) {
                return method;
            }
        } catch (NoSuchMethodException e) {
            // not public: look for a declared one below (snippet classes are often package-private)
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                if (method.getName().equals("toHtml") && method.getParameterCount() == 0
                        && !Modifier.isStatic(method.getModifiers())
                        && CharSequence.class.isAssignableFrom(method.getReturnType())
                        && trySetAccessible(method)) {
                    return method;
                }
            }
        }
        return null;
    }

    private static boolean trySetAccessible(Method method) {
        try {
            return method.trySetAccessible();
        } catch (SecurityException e) {
            return false;
        }
    }
}
