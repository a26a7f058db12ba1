package dev.habitat.core.engine.proto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The protobuf wire format, by hand: the few messages the plugin reads (BuildKit's build trace, a session's
 * secret request) and writes (a session's answers) are small and stable, so no protobuf runtime is needed.
 */
public final class ProtoWire {
    private ProtoWire() {
    }

    /** Reads the protobuf wire format over a slice of bytes. */
    public static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        public Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        public boolean more() {
            return pos < end;
        }

        public long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        public Reader message() {
            int len = length();
            Reader w = new Reader(buf, pos, pos + len);
            pos += len;
            return w;
        }

        public byte[] bytes() {
            int len = length();
            byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return out;
        }

        public String string(int type) {
            if (type != 2) {
                skip(type);
                return null;
            }
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        private int length() {
            long len = varint();
            if (len < 0 || pos + len > end) {
                throw new IllegalArgumentException("length " + len + " beyond the message");
            }
            return (int) len;
        }

        public void skip(int type) {
            switch (type) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int len = length(); // read before adding: "pos += length()" would lose the length's bytes
                    pos += len;
                }
                case 5 -> pos += 4;
                default -> throw new IllegalArgumentException("unsupported wire type " + type);
            }
        }
    }

    /** Writes the protobuf wire format (session responses; tests build engine messages with it). */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Writer varint(int field, long value) {
            tag(field, 0);
            raw(value);
            return this;
        }

        public Writer bytes(int field, byte[] value) {
            tag(field, 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        public Writer string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        public Writer message(int field, Writer inner) {
            return bytes(field, inner.toBytes());
        }

        public byte[] toBytes() {
            return out.toByteArray();
        }

        private void tag(int field, int type) {
            raw(((long) field << 3) | type);
        }

        private void raw(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
