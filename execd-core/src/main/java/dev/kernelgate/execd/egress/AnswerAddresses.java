package dev.kernelgate.execd.egress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** The IPv4 addresses a DNS answer gives for its question, with their TTLs (Netty's response decoder reads it). */
final class AnswerAddresses {
    private static final InetSocketAddress NOWHERE = new InetSocketAddress(0);

    /** One address of an answer. */
    record Address(String name, String ip, long ttlSeconds) {
    }

    private AnswerAddresses() {
    }

    /** The A records of {@code answer} (left unread); none for anything that does not decode. */
    static List<Address> of(ByteBuf answer) {
        List<Object> out = new ArrayList<>(1);
        try {
            new Decoder().decodeInto(new DatagramPacket(answer.retainedDuplicate(), NOWHERE, NOWHERE), out);
        } catch (Exception e) {
            return List.of();
        }
        if (out.isEmpty()) {
            return List.of();
        }
        DnsResponse response = (DnsResponse) out.get(0);
        try {
            if (response.count(DnsSection.QUESTION) == 0) {
                return List.of();
            }
            String name = strip(response.recordAt(DnsSection.QUESTION).name());
            List<Address> addresses = new ArrayList<>();
            for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
                DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
                if (record.type() == DnsRecordType.A && record instanceof DnsRawRecord raw
                        && raw.content().readableBytes() == 4) {
                    byte[] bytes = new byte[4];
                    raw.content().getBytes(raw.content().readerIndex(), bytes);
                    addresses.add(new Address(name, InetAddress.getByAddress(bytes).getHostAddress(),
                            record.timeToLive()));
                }
            }
            return addresses;
        } catch (UnknownHostException e) {
            return List.of();
        } finally {
            response.release();
        }
    }

    private static String strip(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Exposes the datagram decoder's decode step (it needs no channel). */
    private static final class Decoder extends DatagramDnsResponseDecoder {
        void decodeInto(DatagramPacket packet, List<Object> out) throws Exception {
            try {
                decode(null, packet, out);
            } finally {
                packet.release();
            }
        }
    }
}
