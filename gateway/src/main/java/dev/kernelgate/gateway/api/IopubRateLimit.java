package dev.kernelgate.gateway.api;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ChannelMessage;
import dev.kernelgate.wire.Header;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.WireMessage;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * jupyter_server's IOPub message rate limit, opt-in here ({@code iopub_msg_rate_limit}, 0 = off, the default):
 * above the limit (messages per second over a 3 s window, not counting status, comm_open and execute_input)
 * output is dropped and the client told once, until the rate falls below 80 % of the limit.
 */
final class IopubRateLimit {
    private static final long WINDOW_NANOS = 3_000_000_000L;
    private static final String NOTICE = "IOPub message rate exceeded.\n"
            + "The gateway will temporarily stop sending output to the client in order to avoid crashing it.\n"
            + "To change this limit, set --KernelGatewayApp.iopub_msg_rate_limit (0 turns it off).\n";

    private final double limit;
    private final String session;
    private final LongSupplier clock;
    private long windowStart;
    private int count;
    private boolean limited;

    IopubRateLimit(double limit, String session) {
        this(limit, session, System::nanoTime);
    }

    IopubRateLimit(double limit, String session, LongSupplier clock) {
        this.limit = limit;
        this.session = session;
        this.clock = clock;
        this.windowStart = clock.getAsLong();
    }

    /** What to deliver instead of {@code message}: itself, nothing (null), or the one-time notice. */
    synchronized ChannelMessage filter(ChannelMessage message) {
        if (limit <= 0 || message.channel() != Channel.IOPUB) {
            return message;
        }
        String type = message.message().msgType();
        if ("status".equals(type) || "comm_open".equals(type) || "execute_input".equals(type)) {
            return message;
        }
        long now = clock.getAsLong();
        if (now - windowStart > WINDOW_NANOS) {
            windowStart = now;
            count = 0;
        }
        count++;
        double rate = count / (WINDOW_NANOS / 1e9);
        if (!limited && rate > limit) {
            limited = true;
            return notice(message.message());
        }
        if (limited && rate < 0.8 * limit) {
            limited = false;
        }
        return limited ? null : message;
    }

    private ChannelMessage notice(WireMessage cause) {
        Header header = new Header(UUID.randomUUID().toString(), session, "kernelgate", Header.now(), "stream",
                Header.PROTOCOL_VERSION);
        var content = Json.object();
        content.put("name", "stderr");
        content.put("text", NOTICE);
        Message m;
        try {
            m = new Message(header, Json.parseObject(cause.parentHeader(), "parent_header"), Json.object(), content,
                    List.of());
        } catch (dev.kernelgate.wire.MalformedMessageException e) {
            m = new Message(header, Json.object(), Json.object(), content, List.of());
        }
        return new ChannelMessage(Channel.IOPUB, m.toWire());
    }
}
