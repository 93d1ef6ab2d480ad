package dev.kernelgate.javakernel;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** PNG encoding of AWT images; the only class of the kernel that links against java.desktop. */
final class PngImages {
    private PngImages() {
    }

    static String base64(Object image) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write((RenderedImage) image, "png", png)) {
            throw new IOException("no PNG writer available");
        }
        return Base64.getEncoder().encodeToString(png.toByteArray());
    }

    static String describe(Object image) {
        RenderedImage rendered = (RenderedImage) image;
        return image.getClass().getSimpleName() + "[" + rendered.getWidth() + "x" + rendered.getHeight() + "]";
    }
}
