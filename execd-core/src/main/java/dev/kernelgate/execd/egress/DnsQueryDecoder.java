package dev.kernelgate.execd.egress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's query decoder, keeping a copy of the datagram's bytes besides the decoded query: an allowed query goes to
 * the upstream nameserver as it came (only its id changes), so nothing the codec does not model (EDNS options,
 * unusual classes) is lost on the way.
 */
final class DnsQueryDecoder extends DatagramDnsQueryDecoder {

    /** A decoded query and its raw bytes (the handler releases both). */
    record Query(DatagramDnsQuery decoded, ByteBuf raw) {
    }

    /**
     * A query's message without its transport (a TCP frame), decoded; null when it does not decode. The caller
     * releases it.
     */
    static DatagramDnsQuery parse(ByteBuf message, InetSocketAddress from, InetSocketAddress to) {
        List<Object> out = new ArrayList<>(1);
        DatagramPacket packet = new DatagramPacket(message.retainedDuplicate(), to, from);
        try {
            new DnsQueryDecoder().decode(null, packet, out);
        } catch (Exception e) {
            return null;
        } finally {
            packet.release();
        }
        if (out.isEmpty()) {
            return null;
        }
        Query query = (Query) out.get(0);
        query.raw().release();
        return query.decoded();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) throws Exception {
        ByteBuf raw = packet.content().copy();
        int before = out.size();
        try {
            super.decode(ctx, packet, out);
        } catch (Exception e) {
            raw.release();
            throw e;
        }
        if (out.size() == before) {
            raw.release();
            return;
        }
        out.set(before, new Query((DatagramDnsQuery) out.get(before), raw));
    }
}
