package dev.kernelgate.execd.egress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream nameserver that fails the proxy (closes, stays silent, is not there): the asker gets SERVFAIL for its
 * query (its id, its question) well before its own timeout, and the proxy goes on answering.
 */
class DnsUpstreamFailureTest {
    /** The proxy's upstream timeout here: far below the askers' 5 s and the proxy's default. */
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofMillis(400);
    /** Well below any asker's own timeout (5 s in {@link DnsClient}, 30 s for a TCP connection at the proxy). */
    private static final Duration PROMPTLY = Duration.ofSeconds(3);

    private TinyDnsServer upstream;
    private DnsProxy.Running proxy;
    private DnsClient dns;

    @BeforeEach
    void start() throws Exception {
        upstream = new TinyDnsServer(new InetSocketAddress("127.0.0.2", 0), Map.of("allowed.test", "198.18.0.10"));
        proxy = start(upstream.address());
        dns = new DnsClient(proxy.address());
    }

    private static DnsProxy.Running start(InetSocketAddress upstream) throws Exception {
        EgressPolicy policy = EgressPolicy.parse(new ObjectMapper().readTree(
                "{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":\"allowed.test\"}]}"));
        return new DnsProxy(new InetSocketAddress("127.0.0.3", 0), upstream,
                new PolicyState(policy, PolicyEnforcer.DNS_ONLY), AnswerListener.NONE, UPSTREAM_TIMEOUT).start();
    }

    @AfterEach
    void stop() {
        dns.close();
        proxy.close();
        upstream.close();
    }

    /** The reply to one query, which must come within {@link #PROMPTLY}. */
    private static DnsClient.Reply promptly(Callable<DnsClient.Reply> query) {
        CompletableFuture<DnsClient.Reply> reply = CompletableFuture.supplyAsync(() -> {
            try {
                return query.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        await().atMost(PROMPTLY).until(reply::isDone);
        return reply.join();
    }

    @Test
    void anUpstreamThatClosesTheTcpConnectionGetsTheAskerServfailAtOnce() throws Exception {
        upstream.behave(TinyDnsServer.Behaviour.CLOSE);
        assertEquals(new DnsClient.Reply(31337, "allowed.test.", "ServFail"),
                promptly(() -> dns.exchange("allowed.test", 31337, true)));
        assertEquals(1, upstream.tcpQueries(), "the query did reach the upstream");

        upstream.behave(TinyDnsServer.Behaviour.ANSWER);
        assertEquals(new DnsClient.Answer("NoError", "198.18.0.10"), dns.askTcp("allowed.test"));
        assertEquals(new DnsClient.Answer("NoError", "198.18.0.10"), dns.ask("allowed.test"));
    }

    @Test
    void anUpstreamThatNeverAnswersOverTcpTimesOutToServfail() throws Exception {
        upstream.behave(TinyDnsServer.Behaviour.SILENT);
        assertEquals(new DnsClient.Reply(7, "allowed.test.", "ServFail"),
                promptly(() -> dns.exchange("allowed.test", 7, true)));

        upstream.behave(TinyDnsServer.Behaviour.ANSWER);
        assertEquals(new DnsClient.Answer("NoError", "198.18.0.10"), dns.askTcp("allowed.test"));
    }

    @Test
    void anUpstreamThatNeverAnswersOverUdpTimesOutToServfail() throws Exception {
        upstream.behave(TinyDnsServer.Behaviour.SILENT);
        assertEquals(new DnsClient.Reply(4660, "allowed.test.", "ServFail"),
                promptly(() -> dns.exchange("allowed.test", 4660, false)));
        assertEquals(1, upstream.queries(), "the query did reach the upstream");

        upstream.behave(TinyDnsServer.Behaviour.ANSWER);
        assertEquals(new DnsClient.Reply(4661, "allowed.test.", "NoError"),
                promptly(() -> dns.exchange("allowed.test", 4661, false)));
        assertEquals("NXDomain", dns.ask("other.test").code(), "a denied name is still refused at once");
    }

    @Test
    void anUpstreamThatIsNotThereGetsTheTcpAskerServfail() throws Exception {
        int nobody;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.2"))) {
            nobody = probe.getLocalPort();
        }
        try (DnsProxy.Running orphan = start(new InetSocketAddress("127.0.0.2", nobody));
             DnsClient client = new DnsClient(orphan.address())) {
            assertEquals(new DnsClient.Reply(99, "allowed.test.", "ServFail"),
                    promptly(() -> client.exchange("allowed.test", 99, true)));
            assertEquals(new DnsClient.Reply(100, "allowed.test.", "ServFail"),
                    promptly(() -> client.exchange("allowed.test", 100, false)));
            assertEquals("NXDomain", client.askTcp("other.test").code(), "the proxy keeps serving");
        }
    }

    @Test
    void anUnparsableTcpQueryClosesTheConnection() throws Exception {
        upstream.behave(TinyDnsServer.Behaviour.SILENT);
        try (java.net.Socket tcp = new java.net.Socket(proxy.address().getAddress(), proxy.address().getPort())) {
            tcp.setSoTimeout(5000);
            tcp.getOutputStream().write(new byte[] {0, 5, 1, 2, 3, 4, 5});
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return tcp.getInputStream().read();
                } catch (java.io.IOException e) {
                    throw new CompletionException(e);
                }
            });
            await().atMost(PROMPTLY).until(read::isDone);
            assertEquals(-1, read.join(), "closed, with no reply");
        }
        assertEquals(0, upstream.tcpQueries(), "nothing was forwarded");
    }
}
