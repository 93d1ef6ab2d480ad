package dev.kernelgate.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds messages for one client session. Message ids are {@code <session>_<factory>_<n>}: unique even when
 * several factories share a session, and cheap to make (no SecureRandom per message), as jupyter_client's
 * {@code <session>_<pid>_<n>}.
 */
public final class MessageFactory {
    private final String session;
    private final String username;
    private final String idPrefix;
    private final AtomicLong counter = new AtomicLong();

    public MessageFactory(String session, String username) {
        this.session = session;
        this.username = username;
        this.idPrefix = session + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + "_";
    }

    public static MessageFactory withRandomSession(String username) {
        return new MessageFactory(UUID.randomUUID().toString(), username);
    }

    public String session() {
        return session;
    }

    public Header header(String msgType) {
        return new Header(idPrefix + counter.incrementAndGet(), session, username, Header.now(), msgType,
                Header.PROTOCOL_VERSION);
    }

    public Message request(String msgType, ObjectNode content) {
        return new Message(header(msgType), Json.object(), Json.object(), content, List.of());
    }

    /** A message caused by {@code parent}: its parent_header is a copy of the parent's header. */
    public Message reply(Message parent, String msgType, ObjectNode content) {
        return new Message(header(msgType), parent.header().toJson(), Json.object(), content, List.of());
    }

    public static ObjectNode executeContent(String code, boolean silent, boolean storeHistory, boolean allowStdin,
                                            boolean stopOnError) {
        ObjectNode content = Json.object();
        content.put("code", code);
        content.put("silent", silent);
        content.put("store_history", storeHistory);
        content.set("user_expressions", Json.object());
        content.put("allow_stdin", allowStdin);
        content.put("stop_on_error", stopOnError);
        return content;
    }
}
