package dev.kernelgate.benchmarks.e2e;

/** The names of the measured paths, as they appear in the results. */
final class Paths {
    static final String JAVA_FLOOR = "direct ZMQ (Java client)";
    static final String PYTHON_FLOOR = "direct ZMQ (jupyter_client)";
    static final String KG_LEGACY = "Kernelgate WebSocket, legacy JSON";
    static final String KG_V1 = "Kernelgate WebSocket, v1 subprotocol";
    static final String KG_LEGACY_PY = "Kernelgate WebSocket, legacy JSON, python3-websocket client";
    static final String KG_V1_PY = "Kernelgate WebSocket, v1 subprotocol, python3-websocket client";
    static final String KG_V1_JEROMQ = "Kernelgate WebSocket, v1 subprotocol, jeromq transport";
    static final String KG_V1_PY_JEROMQ = "Kernelgate WebSocket, v1 subprotocol, python3-websocket client, jeromq"
            + " transport";
    static final String JS_STOCK = "jupyter_server 1.23.3 WebSocket, stock";
    static final String JS_NO_LIMIT = "jupyter_server 1.23.3 WebSocket, rate limit off";

    private Paths() {
    }
}
