package dev.kernelgate.http;

import io.netty.buffer.ByteBuf;

/** {@link BodySource} over an already aggregated body (a route without {@link RouteOptions#streaming()}). */
final class BufferedBodySource implements BodySource {

    private final ByteBuf body;
    private final long length;
    private boolean taken;

    BufferedBodySource(ByteBuf body) {
        this.body = body;
        this.length = body.readableBytes();
    }

    @Override
    public synchronized ByteBuf read() {
        if (taken || !body.isReadable()) {
            taken = true;
            return null;
        }
        taken = true;
        return body.retainedDuplicate();
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public synchronized long bytesRead() {
        return taken ? length : 0;
    }

    @Override
    public boolean isComplete() {
        return true;
    }

    @Override
    public synchronized void discard() {
        taken = true;
    }
}
