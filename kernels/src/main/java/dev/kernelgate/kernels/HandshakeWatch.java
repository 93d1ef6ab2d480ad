package dev.kernelgate.kernels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/**
 * Logs a connection of one socket that ended before its ZMTP handshake completed (a handshake timeout, or a peer
 * that hung up mid-greeting): the socket dials again by itself, and the warning is the trace that it had to. Runs
 * on a JeroMQ I/O thread, so it only logs.
 */
final class HandshakeWatch implements ZEvent.ZEventConsummer {
    private static final Logger log = LoggerFactory.getLogger(HandshakeWatch.class);
    static final int EVENTS = ZMQ.EVENT_HANDSHAKE_PROTOCOL | ZMQ.EVENT_DISCONNECTED;

    private final String reactor;
    private final String endpoint;
    private volatile boolean handshaken;

    HandshakeWatch(String reactor, String endpoint) {
        this.reactor = reactor;
        this.endpoint = endpoint;
    }

    @Override
    public void consume(ZEvent event) {
        if (event.getEvent() == ZMonitor.Event.HANDSHAKE_PROTOCOL) {
            handshaken = true;
        } else if (event.getEvent() == ZMonitor.Event.DISCONNECTED) {
            if (!handshaken) {
                log.warn("reactor {}: the connection to {} ended before its ZMTP handshake completed; dialling again",
                        reactor, endpoint);
            }
            handshaken = false;
        }
    }
}
