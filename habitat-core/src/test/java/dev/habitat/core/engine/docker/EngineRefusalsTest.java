package dev.habitat.core.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.EngineAddress;
import dev.habitat.core.engine.EngineRefusedException;
import dev.habitat.core.engine.ImageTransfer;
import dev.habitat.core.registry.RegistryAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that answers 500 on every call path reaches the caller as the plugin's own failure naming the engine,
 * what was asked and the engine's words, never as a docker-java exception.
 */
class EngineRefusalsTest {
    @TempDir
    Path dir;

    @Test
    void everyCallPathOfTheExecMethodNamesTheEngineWhatWasAskedAndItsWords() throws Exception {
        Path socket = dir.resolve("engine.sock");
        try (FakeEngineSocket fake = FakeEngineSocket.refusing(socket);
             DockerEngine engine = DockerEngine.connect(new EngineAddress("unix://" + socket, null, "test"))) {
            String name = "Docker 26.1.5 at unix://" + socket;
            Map<String, Executable> paths = Map.of(
                    "create and start the build container b1 from base:1", () -> engine.startIdleContainer("base:1", "b1", List.of(), List.of(), null, null),
                    "run a command as dev in the build container", () -> engine.exec("c1", "dev", "/", List.of(), List.of("true"), l -> { }),
                    "copy files into the build container at /etc", () -> engine.putArchive("c1", "/etc", new byte[1024]),
                    "commit the build container as habitat-x:9-scripts", () -> engine.commit("c1", "habitat-x", "9-scripts", List.of()),
                    "tag sha256:abc as habitat-x:1-base", () -> engine.tag("sha256:abc", "habitat-x:1-base"),
                    "remove the tag habitat-x:1-base", () -> engine.removeTag("habitat-x:1-base"),
                    "list the images of habitat-x", () -> engine.tagsOf("habitat-x"),
                    "list containers", () -> engine.containersNamed(Pattern.compile("habitat-build-x-.*")));
            assertEachRefused(name, paths);
            // the transfers and the build answer with an outcome the caller words (also without docker-java's exceptions)
            ImageTransfer.TransferResult pull = engine.pull("127.0.0.1:5000/x:1-base", RegistryAuth.anonymous("127.0.0.1:5000"));
            assertFalse(pull.ok());
            assertTrue(pull.message().contains("unable to find user dev"), pull.message());
            assertFalse(engine.push("127.0.0.1:5000/x:1-base", RegistryAuth.anonymous("127.0.0.1:5000")).ok());
            Path tar = Files.write(dir.resolve("context.tar"), new byte[1024]);
            BuildOutcome build = engine.build(new BuildRequest(tar, "final", List.of(), Map.of(), Map.of(), null, false, null, null),
                    status -> { });
            assertTrue(build.failed() && build.error().contains("HTTP 500"), build.error());
            assertTrue(fake.requests() >= paths.size());
            // Docker 29.0-29.2 refuse API versions below 1.44: Docker requests go unversioned (the engine's own version)
            assertTrue(fake.requestLines().stream().noneMatch(l -> l.matches("\\S+ /v1\\.\\d+/.*")), fake.requestLines().toString());
        }
    }

    @Test
    void onPodmanTheLibpodCreateAndTheExecNameTheEngineWhatWasAskedAndItsWords() throws Exception {
        Path podmanSocket = dir.resolve("podman.sock");
        try (FakeEngineSocket podman = FakeEngineSocket.refusingAsPodman(podmanSocket);
             DockerEngine engine = DockerEngine.connect(new EngineAddress("unix://" + podmanSocket, null, "test"))) {
            assertEachRefused("Podman 5.8.6 at unix://" + podmanSocket, Map.of(
                    "create and start the build container b1 from base:1",
                    () -> engine.startIdleContainer("base:1", "b1", List.of("cache:/root/.cache"), List.of("/tmp"), null, null),
                    "run a command as dev in the build container", () -> engine.exec("c1", "dev", "/", List.of(), List.of("true"), l -> { })));
            // Podman's build containers are created through libpod (its own path, not docker-java's)
            assertTrue(podman.requestLines().stream().anyMatch(l -> l.startsWith("POST /v4.0.0/libpod/containers/create ")),
                    podman.requestLines().toString());
        }
    }

    /** Each call fails as one refusal naming the engine, what was asked and the engine's words (HTTP 500). */
    private static void assertEachRefused(String engineName, Map<String, Executable> paths) {
        for (var path : paths.entrySet()) {
            EngineRefusedException e = assertThrows(EngineRefusedException.class, path.getValue(), path.getKey());
            assertEquals(engineName + " refused to " + path.getKey() + " (HTTP 500: unable to find user dev: no matching entries in passwd file)",
                    e.getMessage());
            assertEquals(500, e.status());
        }
    }

    @Test
    void theEnginesWordsAreTakenFromDockerJavasMessage() {
        assertEquals("unable to find user dev: no matching entries in passwd file",
                DockerEngine.engineWords("Status 500: " + FakeEngineSocket.REFUSAL));
        assertEquals("plain text", DockerEngine.engineWords("Status 404: plain text"));
    }
}
