package dev.kernelgate.execd.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dns+nft chain a policy becomes, and the addresses read from an upstream answer. */
class IptablesRulesTest {

    @Test
    void aDenyPolicyAcceptsLoopbackRepliesTheNameserverAllowedBlocksAndLearnedAddressesThenRejects()
            throws Exception {
        EgressPolicy policy = EgressPolicy.parse(new ObjectMapper().readTree("{\"defaultAction\":\"deny\",\"egress\":["
                + "{\"action\":\"allow\",\"target\":\"10.1.0.0/16\"},{\"action\":\"deny\",\"target\":\"10.1.2.3\"},"
                + "{\"action\":\"allow\",\"target\":\"*.example.com\"},{\"action\":\"allow\",\"target\":\"fd00::1\"}]}"));
        try (IptablesEnforcer enforcer = new IptablesEnforcer(null, new InetSocketAddress("192.0.2.53", 53), true)) {
            assertEquals("""
                    *filter
                    :KG_EGRESS - [0:0]
                    -A KG_EGRESS -o lo -j ACCEPT
                    -A KG_EGRESS -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
                    -A KG_EGRESS -m mark --mark 0x6b67 -d 192.0.2.53/32 -p udp --dport 53 -j ACCEPT
                    -A KG_EGRESS -m mark --mark 0x6b67 -d 192.0.2.53/32 -p tcp --dport 53 -j ACCEPT
                    -A KG_EGRESS -d 10.1.2.3/32 -p tcp -j REJECT --reject-with tcp-reset
                    -A KG_EGRESS -d 10.1.2.3/32 -j REJECT --reject-with icmp-port-unreachable
                    -A KG_EGRESS -d 10.1.0.0/16 -j ACCEPT
                    -A KG_EGRESS -j KG_EGRESS_DNS
                    -A KG_EGRESS -p tcp -j REJECT --reject-with tcp-reset
                    -A KG_EGRESS -j REJECT --reject-with icmp-port-unreachable
                    COMMIT
                    """, enforcer.rules(policy));
            EgressPolicy allowAll = new EgressPolicy("allow", List.of(EgressRule.of("deny", "203.0.113.0/24")));
            String rules = enforcer.rules(allowAll);
            assertEquals(true, rules.endsWith("-A KG_EGRESS -j KG_EGRESS_DNS\nCOMMIT\n"), rules);
        }
    }

    @Test
    void theAnswersARecordsAreReadWithTheirTtls() {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 53);
        DatagramDnsResponse response = new DatagramDnsResponse(a, a, 7);
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion("api.example.com.", DnsRecordType.A));
        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord("api.example.com.", DnsRecordType.A, 42,
                Unpooled.wrappedBuffer(new byte[] {(byte) 198, 18, 0, 9})));
        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord("api.example.com.", DnsRecordType.A, 5,
                Unpooled.wrappedBuffer(new byte[] {(byte) 198, 18, 0, 10})));
        EmbeddedChannel channel = new EmbeddedChannel(new DatagramDnsResponseEncoder());
        channel.writeOutbound(response);
        DatagramPacket packet = channel.readOutbound();
        ByteBuf bytes = packet.content();
        try {
            assertEquals(List.of(new AnswerAddresses.Address("api.example.com", "198.18.0.9", 42),
                    new AnswerAddresses.Address("api.example.com", "198.18.0.10", 5)), AnswerAddresses.of(bytes));
            assertEquals(0, bytes.readerIndex(), "the answer is left unread for the asker");
            assertEquals(List.of(), AnswerAddresses.of(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
        } finally {
            packet.release();
            channel.finishAndReleaseAll();
        }
    }
}
