package dev.kernelgate.wire;

/** A message tagged with the channel it travels on, as WebSocket framings carry it. */
public record ChannelMessage(Channel channel, WireMessage message) {
}
