package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker group given to the habitat's user follows the engine socket's group, never root's. */
class DockerSocketGroupTest {
    @TempDir
    Path dir;

    @Test
    void socketGroupIsTheDockerGroupButRootGroupIsNot() throws Exception {
        Path sock = dir.resolve("engine.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Files.setAttribute(sock, "unix:gid", 0);
            assertEquals(Optional.empty(), ExternalInputResolver.dockerSocketGid("unix://" + sock),
                    "a root:root socket (Podman rootful) must not put the user into group root");
            Files.setAttribute(sock, "unix:gid", 4242);
            assertEquals(Optional.of("4242"), ExternalInputResolver.dockerSocketGid("unix://" + sock));
        }
        assertEquals(Optional.empty(), ExternalInputResolver.dockerSocketGid("tcp://127.0.0.1:2376"), "remote engine");
        assertEquals(Optional.empty(), ExternalInputResolver.dockerSocketGid("unix://" + dir.resolve("missing.sock")));
    }
}
