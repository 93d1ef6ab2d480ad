package dev.kernelgate.kernels.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a ZMTP 3 stream: the peer's greeting, then frames (RFC 23: a flags byte with MORE 0x01, LONG 0x02 and
 * COMMAND 0x04, a 1- or 8-byte size, the body). Emits {@link Greeting}, {@link ZmtpCommand} and whole multipart
 * messages as {@code List<byte[]>}. A frame larger than {@link #MAX_FRAME_BYTES} or a reserved flag is a protocol
 * error.
 */
final class ZmtpDecoder extends ByteToMessageDecoder {
    static final long MAX_FRAME_BYTES = Integer.MAX_VALUE - 8;
    private static final int MORE = 0x01;
    private static final int LONG = 0x02;
    private static final int COMMAND = 0x04;

    /** The peer's 64-byte greeting. */
    record Greeting(byte[] bytes) {
    }

    private boolean greeted;
    private List<byte[]> parts = new ArrayList<>(8);

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!greeted) {
            if (in.readableBytes() < ZmtpGreeting.LENGTH) {
                return;
            }
            byte[] greeting = new byte[ZmtpGreeting.LENGTH];
            in.readBytes(greeting);
            greeted = true;
            out.add(new Greeting(greeting));
        }
        while (in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int flags = in.getUnsignedByte(start);
            if ((flags & ~(MORE | LONG | COMMAND)) != 0) {
                throw new ZmtpException("reserved frame flags 0x" + Integer.toHexString(flags));
            }
            long size;
            int header;
            if ((flags & LONG) != 0) {
                if (in.readableBytes() < 9) {
                    return;
                }
                size = in.getLong(start + 1);
                header = 9;
            } else {
                size = in.getUnsignedByte(start + 1);
                header = 2;
            }
            if (size < 0 || size > MAX_FRAME_BYTES) {
                throw new ZmtpException("frame of " + Long.toUnsignedString(size) + " bytes");
            }
            if (in.readableBytes() < header + size) {
                return;
            }
            in.skipBytes(header);
            byte[] body = new byte[(int) size];
            in.readBytes(body);
            if ((flags & COMMAND) != 0) {
                out.add(ZmtpCommand.decode(body));
                continue;
            }
            parts.add(body);
            if ((flags & MORE) == 0) {
                out.add(parts);
                parts = new ArrayList<>(8);
            }
        }
    }

    /** Writes one multipart message's frames into {@code out}. */
    static void encodeMessage(List<byte[]> frames, ByteBuf out) {
        int last = frames.size() - 1;
        for (int i = 0; i <= last; i++) {
            writeFrame(out, i < last ? MORE : 0, frames.get(i));
        }
    }

    /** Writes one command frame into {@code out}. */
    static void encodeCommand(ZmtpCommand command, ByteBuf out) {
        writeFrame(out, COMMAND, command.encode());
    }

    /** The bytes {@link #encodeMessage} writes. */
    static int encodedSize(List<byte[]> frames) {
        int size = 0;
        for (byte[] frame : frames) {
            size += (frame.length > 255 ? 9 : 2) + frame.length;
        }
        return size;
    }

    private static void writeFrame(ByteBuf out, int flags, byte[] body) {
        if (body.length > 255) {
            out.writeByte(flags | LONG);
            out.writeLong(body.length);
        } else {
            out.writeByte(flags);
            out.writeByte(body.length);
        }
        out.writeBytes(body);
    }
}
