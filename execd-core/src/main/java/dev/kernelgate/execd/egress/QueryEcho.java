package dev.kernelgate.execd.egress;

import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;

/**
 * What the proxy's own reply to a query repeats of it (id, opcode, RD, the question), kept apart from the query so
 * a reply can still be made after the query's buffers are gone (an upstream that never answered).
 *
 * @param question the first question, or null when the query had none
 */
record QueryEcho(int id, DnsOpCode opCode, boolean recursionDesired, DnsQuestion question) {

    static QueryEcho of(DnsQuery query) {
        return new QueryEcho(query.id(), query.opCode(), query.isRecursionDesired(),
                query.count(DnsSection.QUESTION) > 0 ? query.recordAt(DnsSection.QUESTION) : null);
    }

    /** NXDOMAIN for a name the policy denies, FORMERR for a query without a question. */
    DnsResponseCode refusalCode() {
        return question == null ? DnsResponseCode.FORMERR : DnsResponseCode.NXDOMAIN;
    }

    /** A reply over UDP, from {@code local} to {@code asker}. */
    DatagramDnsResponse datagram(InetSocketAddress local, InetSocketAddress asker, DnsResponseCode code) {
        return fill(new DatagramDnsResponse(local, asker, id, opCode, code));
    }

    /** A reply over TCP (the stream encoder adds the length). */
    DnsResponse stream(DnsResponseCode code) {
        return fill(new DefaultDnsResponse(id, opCode, code));
    }

    private <R extends DnsResponse> R fill(R response) {
        response.setRecursionDesired(recursionDesired).setRecursionAvailable(true);
        if (question != null) {
            response.addRecord(DnsSection.QUESTION, question);
        }
        return response;
    }
}
