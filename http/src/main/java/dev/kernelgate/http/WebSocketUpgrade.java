package dev.kernelgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.CompletionStage;

/**
 * Runs a WebSocket route: asks the route whether to accept (it may refuse with a plain HTTP error),
 * then performs the handshake with the subprotocol it chose and swaps the pipeline to frames.
 * The handshaker is built per request so subprotocol selection can depend on the request.
 */
final class WebSocketUpgrade {

    private WebSocketUpgrade() {
    }

    static void start(Exchange exchange, WebSocketRouteHandler handler) {
        CompletionStage<WebSocketAcceptance> decision;
        try {
            decision = handler.accept(exchange.request());
            if (decision == null) {
                throw new IllegalStateException("WebSocket handler returned null");
            }
        } catch (Throwable t) {
            exchange.sendError(t);
            return;
        }
        decision.whenComplete((acceptance, failure) -> exchange.onLoop(() -> {
            if (!exchange.ctx().channel().isActive()) {
                return;
            }
            if (failure != null) {
                exchange.sendError(failure);
            } else if (acceptance == null) {
                exchange.sendError(new IllegalStateException("WebSocket handler completed with null"));
            } else {
                handshake(exchange, acceptance);
            }
        }));
    }

    private static void handshake(Exchange exchange, WebSocketAcceptance acceptance) {
        Request request = exchange.request();
        String chosen = acceptance.subprotocol();
        if (chosen != null && !request.webSocketSubprotocols().contains(chosen)) {
            exchange.sendError(new IllegalStateException("subprotocol '" + chosen + "' was not offered"));
            return;
        }
        HttpServerConfig config = exchange.server().config();
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(config.wsMaxMessageBytes())
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
        String url = (exchange.isTls() ? "wss://" : "ws://") + request.header("Host") + request.uri();
        FullHttpRequest upgrade = new DefaultFullHttpRequest(request.protocolVersion(), HttpMethod.GET,
                request.uri(), Unpooled.EMPTY_BUFFER, new DefaultHttpHeaders().add(request.headers()),
                new DefaultHttpHeaders());
        // Offering the handshaker only the chosen protocol makes it select exactly that one.
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, chosen, decoderConfig).newHandshaker(upgrade);
        ChannelHandlerContext ctx = exchange.ctx();
        if (handshaker == null) {
            upgrade.release();
            exchange.handOver();
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        WebSocketConnection connection = new WebSocketConnection(request, acceptance, config.wsPingInterval(),
                config.effectiveWsPingTimeout());
        exchange.handOver();
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(IdleStateHandler.class) != null) {
            pipeline.remove(IdleStateHandler.class); // pings police liveness from now on
        }
        pipeline.replace(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(config.wsMaxMessageBytes()));
        pipeline.addAfter("ws-aggregator", "ws-connection", connection);
        Channel channel = pipeline.channel();
        EventLoop target = acceptance.loop();
        if (target == null || target == channel.eventLoop() || pipeline.get("tls") != null) {
            // TLS stays put: its handler keeps state and timers on the loop it started on.
            finishHandshake(channel, handshaker, upgrade, connection);
            return;
        }
        // Move to the loop the listener's source runs on before anything of the WebSocket is scheduled: no read
        // while in between, then the handshake on the new loop. Nothing of this channel is pending on the old
        // loop by now (the request's deadline and idle handlers are gone, the exchange handed over).
        channel.config().setAutoRead(false);
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                channel.close();
                return;
            }
            target.register(channel).addListener(registered -> {
                if (!registered.isSuccess()) {
                    channel.close();
                    return;
                }
                channel.config().setAutoRead(true);
                finishHandshake(channel, handshaker, upgrade, connection);
            });
        });
    }

    private static void finishHandshake(Channel channel, WebSocketServerHandshaker handshaker, FullHttpRequest upgrade,
                                        WebSocketConnection connection) {
        handshaker.handshake(channel, upgrade, null, channel.newPromise())
                .addListener(f -> {
                    if (f.isSuccess()) {
                        connection.opened();
                    } else {
                        channel.close();
                    }
                });
    }
}
