package dev.habitat.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plays the engine's side of DiffCopy (fsutil's receiver) against the service, in process. */
class FileSyncServiceTest {
    @TempDir
    Path dir;
    private Server server;
    private ManagedChannel channel;
    private final FileSyncService.Counters counters = new FileSyncService.Counters();

    private static final MethodDescriptor<byte[], byte[]> DIFF_COPY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName(FileSyncService.DIFF_COPY.substring(1))
            .setRequestMarshaller(SessionServices.RAW).setResponseMarshaller(SessionServices.RAW).build();

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private void serve(Map<String, SyncedDir> dirs) throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(FileSyncService.definition(dirs, counters)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    /** The engine's side of one call: collects what arrives, lets the test send packets. */
    private final class Receiver implements StreamObserver<byte[]> {
        final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
        StreamObserver<byte[]> toSender;

        Receiver(String dirName, Map<String, List<String>> filters) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("dir-name", Metadata.ASCII_STRING_MARSHALLER), dirName);
            filters.forEach((k, values) -> values.forEach(v -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v)));
            var call = io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers))
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

        /** Reads STAT packets up to the empty one that ends the listing: their paths and modes. */
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

        void finish() throws InterruptedException {
            toSender.onNext(new ProtoWire.Writer().varint(1, FileSyncService.FIN).toBytes());
            assertEquals(FileSyncService.FIN, FileSyncService.Packet.decode((byte[]) next()).type(), "FIN is answered with FIN");
            assertEquals("completed", next(), "then the sender ends its side");
            toSender.onCompleted();
        }
    }

    @Test
    void listsTheTreeThenSendsRequestedFilesInChunksAndAnswersFin() throws Exception {
        Files.createDirectories(dir.resolve("files/0"));
        byte[] big = new byte[100_000]; // several 32 KiB chunks
        new Random(7).nextBytes(big);
        Files.write(dir.resolve("files/0/big.bin"), big);
        Files.writeString(dir.resolve("files/0/small.txt"), "hello\n");
        serve(Map.of("context", SyncedDir.of("context", dir, List.of("files"), Map.of())));
        Receiver engine = new Receiver("context", Map.of());
        List<String[]> listing = engine.listing();
        assertEquals(List.of("files", "files/0", "files/0/big.bin", "files/0/small.txt"), listing.stream().map(s -> s[0]).toList());
        assertEquals(Long.toOctalString((1L << 31) | 0755), listing.get(0)[1], "directories carry Go's directory bit");
        assertEquals("100000", listing.get(2)[2]);
        assertArrayEquals(big, engine.request(2));
        assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), engine.request(3));
        engine.finish();
        assertEquals(2, counters.files.get());
        assertEquals(100_006, counters.fileBytes.get());
        assertTrue(counters.bytes.get() > 100_006, "packets add framing to the content: " + counters.bytes.get());
    }

    @Test
    void honoursTheEnginesFiltersAndServesTheDockerfileFromMemory() throws Exception {
        Files.createDirectories(dir.resolve("files/0"));
        Files.writeString(dir.resolve("files/0/a"), "a");
        Files.writeString(dir.resolve("report.json"), "{}");
        serve(Map.of("context", SyncedDir.of("context", dir, List.of("files", "report.json"), Map.of()),
                "dockerfile", SyncedDir.of("dockerfile", dir, List.of(), Map.of("Dockerfile", "FROM x\n".getBytes(StandardCharsets.UTF_8)))));
        Receiver context = new Receiver("context", Map.of("exclude-patterns", List.of("report.json")));
        assertEquals(List.of("files", "files/0", "files/0/a"), context.listing().stream().map(s -> s[0]).toList());
        context.finish();
        Receiver dockerfile = new Receiver("dockerfile", Map.of("followpaths", List.of("Dockerfile", "Dockerfile.dockerignore")));
        assertEquals(List.of("Dockerfile"), dockerfile.listing().stream().map(s -> s[0]).toList());
        assertArrayEquals("FROM x\n".getBytes(StandardCharsets.UTF_8), dockerfile.request(0));
        dockerfile.finish();
    }

    @Test
    void refusesUnknownDirectoriesAndRequestsForDirectories() throws Exception {
        Files.createDirectories(dir.resolve("d"));
        serve(Map.of("context", SyncedDir.of("context", dir, List.of("d"), Map.of())));
        Receiver unknown = new Receiver("secret-stuff", Map.of());
        Object error = unknown.next();
        assertEquals(Status.Code.NOT_FOUND, ((StatusRuntimeException) error).getStatus().getCode());

        Receiver engine = new Receiver("context", Map.of());
        assertEquals(1, engine.listing().size());
        engine.toSender.onNext(new ProtoWire.Writer().varint(1, FileSyncService.REQ).varint(3, 0).toBytes());
        byte[] err = (byte[]) engine.next();
        assertEquals(FileSyncService.ERR, FileSyncService.Packet.decode(err).type(), "a directory has no content to send");
    }
}
