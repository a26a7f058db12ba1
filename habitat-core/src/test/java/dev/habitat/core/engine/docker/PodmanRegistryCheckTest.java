package dev.habitat.core.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.habitat.core.engine.ImageTransfer.TransferResult;
import dev.habitat.core.registry.RegistryApi;
import dev.habitat.core.registry.RegistryAuth;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Podman answers 404 to every {@code /distribution/{name}/json}: whether the registry has a snapshot is asked of the
 * registry itself, by the snapshot's full reference (its tag included), and the engine is not asked.
 */
class PodmanRegistryCheckTest {
    private HttpServer server;
    private final List<String> asked = new ArrayList<>();

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void podmanAsksTheRegistryForTheTagsManifest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/v2/", ex -> {
            asked.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            if (ex.getRequestURI().getPath().equals("/v2/team/habitat-x/manifests/6-files-0123456789abcdef")) {
                ex.getResponseHeaders().add("Docker-Content-Digest", "sha256:" + "cd".repeat(32));
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(404, -1);
            }
            ex.close();
        });
        server.start();
        String host = "127.0.0.1:" + server.getAddress().getPort();
        // no engine connection: the Podman path must not ask the engine
        RegistryTransfers transfers = new RegistryTransfers(null, new RegistryApi());

        TransferResult there = transfers.inRegistry(host + "/team/habitat-x:6-files-0123456789abcdef", RegistryAuth.anonymous(host), true);
        assertEquals(TransferResult.Kind.DONE, there.kind(), String.valueOf(there.message()));
        assertEquals("sha256:" + "cd".repeat(32), there.digest());
        TransferResult missing = transfers.inRegistry(host + "/team/habitat-x:7-repos-0123456789abcdef", RegistryAuth.anonymous(host), true);
        assertEquals(TransferResult.Kind.NOT_FOUND, missing.kind());
        assertEquals(List.of("HEAD /v2/team/habitat-x/manifests/6-files-0123456789abcdef",
                "HEAD /v2/team/habitat-x/manifests/7-repos-0123456789abcdef"), asked);
    }
}
