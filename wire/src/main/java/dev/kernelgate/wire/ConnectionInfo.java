package dev.kernelgate.wire;

/** The contents of a kernel connection file: where the five channels listen and how messages are signed. */
public record ConnectionInfo(String transport, String ip, int shellPort, int iopubPort, int stdinPort,
                             int controlPort, int hbPort, String key, String signatureScheme, String kernelName) {

    public ConnectionInfo {
        if (!"tcp".equals(transport) && !"ipc".equals(transport)) {
            throw new IllegalArgumentException("transport must be tcp or ipc, not '" + transport + "'");
        }
        key = key == null ? "" : key;
        signatureScheme = signatureScheme == null || signatureScheme.isBlank() ? "hmac-sha256" : signatureScheme;
        kernelName = kernelName == null ? "" : kernelName;
    }

    public int port(Channel channel) {
        return switch (channel) {
            case SHELL -> shellPort;
            case IOPUB -> iopubPort;
            case STDIN -> stdinPort;
            case CONTROL -> controlPort;
            case HB -> hbPort;
        };
    }

    /** The ZMQ endpoint of a channel: {@code tcp://ip:port} or {@code ipc://ip-port}, as jupyter_client forms it. */
    public String endpoint(Channel channel) {
        return "tcp".equals(transport)
                ? "tcp://" + ip + ":" + port(channel)
                : "ipc://" + ip + "-" + port(channel);
    }

    public Signer signer() {
        return Signer.create(signatureScheme, key);
    }
}
