package dev.habitat.core.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.proto.ProtoWire;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The engine's side of one FileSync DiffCopy call (fsutil's receiver), for tests: collects what the session
 * sends and lets the test send packets. Works over any channel (in process, or a real session's connection).
 */
final class DiffCopyReceiver implements StreamObserver<byte[]> {
    /*
     * fsutil's Packet as the engine has it (types/wire.proto), written here from the protocol and not from
     * FileSyncService's constants, so a wrong number there fails these tests: type = 1 (PacketType), stat = 2, ID = 3,
     * data = 4; PacketType STAT 0, REQ 1, DATA 2, FIN 3, ERR 4.
     */
    static final int PACKET_REQ = 1;
    static final int PACKET_DATA = 2;
    static final int PACKET_FIN = 3;
    static final int PACKET_ERR = 4;

    /** A packet's type and ID as fsutil reads them (a field left out is zero). */
    record Received(int type, long id, byte[] data) {
        static Received of(byte[] packet) {
            ProtoWire.Reader r = new ProtoWire.Reader(packet, 0, packet.length);
            int type = 0;
            long id = 0;
            byte[] data = new byte[0];
            while (r.more()) {
                long key = r.varint();
                switch ((int) (key >>> 3)) {
                    case 1 -> type = (int) r.varint();
                    case 3 -> id = r.varint();
                    case 4 -> data = r.bytes();
                    default -> r.skip((int) (key & 7));
                }
            }
            return new Received(type, id, data);
        }
    }

    /** A packet of the engine's side: REQ with the file's ID, or FIN. */
    static byte[] packet(int type, Long id) {
        ProtoWire.Writer w = new ProtoWire.Writer().varint(1, type);
        return (id == null ? w : w.varint(3, id)).toBytes();
    }

    static final MethodDescriptor<byte[], byte[]> DIFF_COPY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName(FileSyncService.DIFF_COPY.substring(1))
            .setRequestMarshaller(SessionServices.RAW).setResponseMarshaller(SessionServices.RAW).build();

    final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    final StreamObserver<byte[]> toSender;

    /** Starts the call for {@code dirName} with the engine's filter headers ({@code exclude-patterns}, ...). */
    DiffCopyReceiver(Channel channel, String dirName, Map<String, List<String>> filters) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("dir-name", Metadata.ASCII_STRING_MARSHALLER), dirName);
        filters.forEach((k, values) -> values.forEach(v -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v)));
        var call = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers))
                .newCall(DIFF_COPY, CallOptions.DEFAULT);
        toSender = ClientCalls.asyncBidiStreamingCall(call, this);
    }

    @Override
    public void onNext(byte[] value) {
        arrived.add(value);
    }

    @Override
    public void onError(Throwable t) {
        arrived.add(t);
    }

    @Override
    public void onCompleted() {
        arrived.add("completed");
    }

    Object next() throws InterruptedException {
        Object o = arrived.poll(10, TimeUnit.SECONDS);
        assertTrue(o != null, "nothing arrived from the sender");
        return o;
    }

    /** Reads STAT packets up to the empty one that ends the listing: their paths, octal modes and sizes. */
    List<String[]> listing() throws InterruptedException {
        List<String[]> out = new ArrayList<>();
        while (true) {
            byte[] p = (byte[]) next();
            if (p.length == 0) {
                return out;
            }
            ProtoWire.Reader r = new ProtoWire.Reader(p, 0, p.length);
            long key = r.varint();
            assertEquals(2 << 3 | 2, key, "a STAT packet holds only its stat (type 0 is left out)");
            ProtoWire.Reader stat = r.message();
            String path = null;
            long mode = 0;
            long size = 0;
            while (stat.more()) {
                long k = stat.varint();
                switch ((int) (k >>> 3)) {
                    case 1 -> path = stat.string((int) (k & 7));
                    case 2 -> mode = stat.varint();
                    case 5 -> size = stat.varint();
                    default -> stat.skip((int) (k & 7));
                }
            }
            out.add(new String[] {path, Long.toOctalString(mode), Long.toString(size)});
        }
    }

    /** Asks for the file listed as number {@code id} and collects its DATA packets up to the empty one. */
    byte[] request(int id) throws InterruptedException {
        toSender.onNext(packet(PACKET_REQ, (long) id));
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        while (true) {
            Received packet = Received.of((byte[]) next());
            assertEquals(PACKET_DATA, packet.type());
            assertEquals(id, packet.id());
            byte[] data = packet.data();
            if (data.length == 0) {
                return content.toByteArray();
            }
            content.writeBytes(data);
        }
    }

    /** Ends the transfer as fsutil does: FIN, answered with FIN, then both sides end the stream. */
    void finish() throws InterruptedException {
        toSender.onNext(packet(PACKET_FIN, null));
        assertEquals(PACKET_FIN, Received.of((byte[]) next()).type(), "FIN is answered with FIN");
        assertEquals("completed", next(), "then the sender ends its side");
        toSender.onCompleted();
    }
}
