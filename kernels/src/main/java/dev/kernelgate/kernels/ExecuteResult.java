package dev.kernelgate.kernels;

import dev.kernelgate.wire.Message;

/** The execute_reply of a request, delivered after the kernel went idle for it (all outputs seen). */
public record ExecuteResult(Message reply) {
    public String status() {
        return reply.content().path("status").asText();
    }

    public boolean ok() {
        return "ok".equals(status());
    }

    public int executionCount() {
        return reply.content().path("execution_count").asInt();
    }
}
