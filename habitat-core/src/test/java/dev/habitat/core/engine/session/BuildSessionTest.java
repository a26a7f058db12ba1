package dev.habitat.core.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.EngineSession;
import dev.habitat.core.engine.SessionRefusedException;
import dev.habitat.core.engine.SyncedDir;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildSessionTest {
    @TempDir
    Path dir;

    @Test
    void anEngineWithoutSessionsIsRecognisedSoTheBuildCanFallBackToATarBody() throws Exception {
        Path socket = dir.resolve("engine.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel c = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(8192);
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().contains("\r\n\r\n") && c.read(in) > 0) {
                        head.append(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
                        in.clear();
                    }
                    c.write(ByteBuffer.wrap("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                    return head.toString();
                } catch (Exception e) {
                    return e.toString();
                }
            });
            SessionRefusedException e = assertThrows(SessionRefusedException.class, () -> BuildSession.open(
                    new SessionEndpoint(URI.create("unix://" + socket), null), "demo", "key-1", id -> null,
                    Map.of("context", new SyncedDir("context", java.util.List.of()))));
            assertTrue(e.getMessage().contains("404 Not Found") && e.getMessage().contains(socket.toString()), e.getMessage());
            String head = request.get();
            assertTrue(head.startsWith("POST /session HTTP/1.1\r\n") && head.contains("Upgrade: h2c"), head);
            assertTrue(head.contains("X-Docker-Expose-Session-Sharedkey: key-1\r\n"), head);
            assertTrue(head.contains("X-Docker-Expose-Session-Grpc-Method: /moby.filesync.v1.FileSync/DiffCopy\r\n"), head);
            assertTrue(head.contains("X-Docker-Expose-Session-Grpc-Method: /moby.buildkit.secrets.v1.Secrets/GetSecret\r\n"), head);
        }
    }

    @Test
    void aWindowsNamedPipeIsRefusedWithTheWaysThatWork() {
        var e = assertThrows(dev.habitat.core.HabitatException.class, () -> BuildSession.open(
                new SessionEndpoint(URI.create("npipe:////./pipe/docker_engine"), null), "demo", "key-1", id -> null, Map.of()));
        assertEquals(dev.habitat.core.HabitatException.Kind.ENVIRONMENT, e.kind());
        assertTrue(e.getMessage().contains("named pipe npipe:////./pipe/docker_engine") && e.getMessage().contains("WSL2")
                && e.getMessage().contains("-Dhabitat.buildMethod=docker-exec") && e.getMessage().contains("DOCKER_HOST"), e.getMessage());
    }

    @Test
    void theSharedKeyIsStablePerHabitatAndContextDirectory() {
        Path a = Path.of("/p/target/habitat/a");
        assertEquals(EngineSession.sharedKey("a", a), EngineSession.sharedKey("a", Path.of("/p/target/habitat/../habitat/a")));
        assertNotEquals(EngineSession.sharedKey("a", a), EngineSession.sharedKey("b", a));
        assertNotEquals(EngineSession.sharedKey("a", a), EngineSession.sharedKey("a", Path.of("/q/target/habitat/a")));
    }
}
