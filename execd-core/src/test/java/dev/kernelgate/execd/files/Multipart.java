package dev.kernelgate.execd.files;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds multipart/form-data bodies the way the SDKs do (and ways they should not). */
final class Multipart {

    final String boundary;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Multipart() {
        this("----kernelgate" + Long.toHexString(System.nanoTime()));
    }

    Multipart(String boundary) {
        this.boundary = boundary;
    }

    /** A part with a filename (Gin sees a file). */
    Multipart file(String name, String filename, byte[] content) {
        text("--" + boundary + "\r\n");
        text("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n");
        text("Content-Type: application/octet-stream\r\n\r\n");
        out.writeBytes(content);
        text("\r\n");
        return this;
    }

    /** A part without a filename (Gin sees a form value). */
    Multipart value(String name, String content) {
        text("--" + boundary + "\r\n");
        text("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        text(content);
        text("\r\n");
        return this;
    }

    Multipart metadata(String json) {
        return file("metadata", "metadata", json.getBytes(StandardCharsets.UTF_8));
    }

    Multipart pair(String path, String extraJson, byte[] content) {
        String meta = "{\"path\":\"" + path + "\"" + (extraJson == null ? "" : "," + extraJson) + "}";
        metadata(meta);
        return file("file", path.substring(path.lastIndexOf('/') + 1), content);
    }

    Multipart end() {
        text("--" + boundary + "--\r\n");
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private void text(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
