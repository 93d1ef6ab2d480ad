package dev.kernelgate.benchmarks;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ChannelMessage;
import dev.kernelgate.wire.LegacyFraming;
import dev.kernelgate.wire.MalformedMessageException;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.SignatureHistory;
import dev.kernelgate.wire.Signer;
import dev.kernelgate.wire.V1Framing;
import dev.kernelgate.wire.WireException;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.WsFrame;
import dev.kernelgate.wire.ZmqCodec;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-message work on the gateway's hot path: HMAC sign/verify, the ZMQ multipart codec and the three WebSocket
 * framings, for a typical IOPub stream message. Run with {@code -prof gc} for allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WireBenchmarks {
    private Signer signer;
    private WireMessage stream;
    private List<byte[]> frames;
    private byte[] signature;
    private WsFrame legacyText;
    private WsFrame legacyBinary;
    private WsFrame v1;
    private final LegacyFraming legacy = new LegacyFraming();
    private final V1Framing v1Framing = new V1Framing();

    @Setup
    public void setUp() {
        signer = Signer.create("hmac-sha256", "8b1f6e2c-4f0a7d9e3b5c1a2f6d8e0b4c");
        MessageFactory kernel = new MessageFactory("kernel-session", "username");
        Message parent = new MessageFactory("client", "user").request("execute_request",
                MessageFactory.executeContent("print('hello')", false, true, false, true));
        ObjectNode content = parent.content().objectNode();
        content.put("name", "stdout");
        content.put("text", "hello, world: a typical line of kernel output\n");
        stream = kernel.reply(parent, "stream", content).toWire();
        frames = ZmqCodec.encode(stream, signer);
        signature = frames.get(1);
        legacyText = legacy.encode(new ChannelMessage(Channel.IOPUB, stream));
        WireMessage withBuffer = new WireMessage(stream.header(), stream.parentHeader(), stream.metadata(),
                stream.content(), List.of("0123456789abcdef".repeat(64).getBytes(StandardCharsets.US_ASCII)));
        legacyBinary = legacy.encode(new ChannelMessage(Channel.IOPUB, withBuffer));
        v1 = v1Framing.encode(new ChannelMessage(Channel.IOPUB, stream));
    }

    @Benchmark
    public byte[] hmacSign() {
        return signer.sign(stream.header(), stream.parentHeader(), stream.metadata(), stream.content());
    }

    @Benchmark
    public boolean hmacVerify() {
        return signer.verify(signature, stream.header(), stream.parentHeader(), stream.metadata(), stream.content());
    }

    @Benchmark
    public List<byte[]> zmqEncode() {
        return ZmqCodec.encode(stream, signer);
    }

    @Benchmark
    public WireMessage zmqDecodeVerified() throws WireException {
        return ZmqCodec.decode(frames, signer, new SignatureHistory(1));
    }

    @Benchmark
    public WsFrame legacyJsonEncode() {
        return legacy.encode(new ChannelMessage(Channel.IOPUB, stream));
    }

    @Benchmark
    public ChannelMessage legacyJsonDecode() throws MalformedMessageException {
        return legacy.decode(legacyText);
    }

    @Benchmark
    public ChannelMessage legacyBinaryDecode() throws MalformedMessageException {
        return legacy.decode(legacyBinary);
    }

    @Benchmark
    public WsFrame v1Encode() {
        return v1Framing.encode(new ChannelMessage(Channel.IOPUB, stream));
    }

    @Benchmark
    public ChannelMessage v1Decode() throws MalformedMessageException {
        return v1Framing.decode(v1);
    }
}
