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
        toSender.onNext(new ProtoWire.Writer().varint(1, FileSyncService.REQ).varint(3, id).toBytes());
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        while (true) {
            byte[] p = (byte[]) next();
            FileSyncService.Packet packet = FileSyncService.Packet.decode(p);
            assertEquals(FileSyncService.DATA, packet.type());
            assertEquals(id, packet.id());
            ProtoWire.Reader r = new ProtoWire.Reader(p, 0, p.length);
            byte[] data = new byte[0];
            while (r.more()) {
                long k = r.varint();
                if (k >>> 3 == 4) {
                    data = r.bytes();
                } else {
                    r.skip((int) (k & 7));
                }
            }
            if (data.length == 0) {
                return content.toByteArray();
            }
            content.writeBytes(data);
        }
    }

    /** Ends the transfer as fsutil does: FIN, answered with FIN, then both sides end the stream. */
    void finish() throws InterruptedException {
        toSender.onNext(new ProtoWire.Writer().varint(1, FileSyncService.FIN).toBytes());
        assertEquals(FileSyncService.FIN, FileSyncService.Packet.decode((byte[]) next()).type(), "FIN is answered with FIN");
        assertEquals("completed", next(), "then the sender ends its side");
        toSender.onCompleted();
    }
}
