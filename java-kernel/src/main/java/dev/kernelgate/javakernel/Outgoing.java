package dev.kernelgate.javakernel;

import dev.kernelgate.wire.Channel;
import java.util.List;

/** A signed, framed message waiting for the socket thread to send it on {@code channel}. */
record Outgoing(Channel channel, List<byte[]> frames) {
}
