package dev.habitat.core.engine.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.SyncedDir;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

    @Test
    void listsTheTreeThenSendsRequestedFilesInChunksAndAnswersFin() throws Exception {
        Files.createDirectories(dir.resolve("files/0"));
        byte[] big = new byte[100_000]; // several 32 KiB chunks
        new Random(7).nextBytes(big);
        Files.write(dir.resolve("files/0/big.bin"), big);
        Files.writeString(dir.resolve("files/0/small.txt"), "hello\n");
        serve(Map.of("context", SyncedDir.of("context", dir, List.of("files"), Map.of())));
        DiffCopyReceiver engine = new DiffCopyReceiver(channel, "context", Map.of());
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
        DiffCopyReceiver context = new DiffCopyReceiver(channel, "context", Map.of("exclude-patterns", List.of("report.json")));
        assertEquals(List.of("files", "files/0", "files/0/a"), context.listing().stream().map(s -> s[0]).toList());
        context.finish();
        DiffCopyReceiver dockerfile = new DiffCopyReceiver(channel, "dockerfile", Map.of("followpaths", List.of("Dockerfile", "Dockerfile.dockerignore")));
        assertEquals(List.of("Dockerfile"), dockerfile.listing().stream().map(s -> s[0]).toList());
        assertArrayEquals("FROM x\n".getBytes(StandardCharsets.UTF_8), dockerfile.request(0));
        dockerfile.finish();
    }

    @Test
    void refusesUnknownDirectoriesAndRequestsForDirectories() throws Exception {
        Files.createDirectories(dir.resolve("d"));
        serve(Map.of("context", SyncedDir.of("context", dir, List.of("d"), Map.of())));
        DiffCopyReceiver unknown = new DiffCopyReceiver(channel, "secret-stuff", Map.of());
        Object error = unknown.next();
        assertEquals(Status.Code.NOT_FOUND, ((StatusRuntimeException) error).getStatus().getCode());

        DiffCopyReceiver engine = new DiffCopyReceiver(channel, "context", Map.of());
        assertEquals(1, engine.listing().size());
        engine.toSender.onNext(DiffCopyReceiver.packet(DiffCopyReceiver.PACKET_REQ, 0L));
        byte[] err = (byte[]) engine.next();
        assertEquals(DiffCopyReceiver.PACKET_ERR, DiffCopyReceiver.Received.of(err).type(), "a directory has no content to send");
    }
}
