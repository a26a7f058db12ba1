package dev.habitat.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineHintsTest {
    private static final EngineInfo DOCKER_26 = new EngineInfo(EngineInfo.Product.DOCKER, "26.1.5", "1.45");
    private static final EngineInfo PODMAN = new EngineInfo(EngineInfo.Product.PODMAN, "4.3.1", "1.41");

    @Test
    void anotherPlatformWithoutEmulationSaysWhatToInstallOnTheEnginesHost() {
        String failure = "process \"/bin/sh -c uname -m\" did not complete successfully: exec /bin/sh: exec format error";
        String hint = EngineHints.forFailure(failure, DOCKER_26).orElseThrow();
        assertTrue(hint.startsWith("Docker 26.1.5 cannot run the binaries of the platform built for") && hint.contains("qemu-user-static")
                && hint.contains("tonistiigi/binfmt") && hint.contains("-Dhabitat.platforms="), hint);
    }

    @Test
    void noDefaultBridgeSaysToUseTheHostNetworkNamingTheEngine() {
        // as Docker 26 with "bridge": "none" reports a BuildKit RUN step on the default network
        String buildKit = "process \"/bin/sh -c id -u 'dev'\" did not complete successfully: network bridge not found";
        String hint = EngineHints.forFailure(buildKit, DOCKER_26).orElseThrow();
        assertTrue(hint.startsWith("Docker 26.1.5 has no default bridge network"), hint);
        assertTrue(hint.contains("-Dhabitat.network=host") && hint.contains("network: host"), hint);
        assertTrue(EngineHints.forFailure("Error response from daemon: No such network: bridge", DOCKER_26).isPresent());
    }

    @Test
    void podmanShortNamesSayToUseTheFullName() {
        String podman = "short-name \"debian:bookworm\" did not resolve to an alias and no unqualified-search registries are defined";
        String hint = EngineHints.forFailure(podman, PODMAN).orElseThrow();
        assertTrue(hint.startsWith("Podman 4.3.1 does not expand short image names"), hint);
        assertTrue(hint.contains("docker.io/library/debian:bookworm"), hint);
    }

    @Test
    void habitatFailuresGetNoEngineHint() {
        assertEquals(Optional.empty(), EngineHints.forFailure("exit code 1: tests/smoke.sh: not ok - hello did not greet", DOCKER_26));
        assertEquals(Optional.empty(), EngineHints.forFailure("network unreachable while cloning https://example.invalid/x.git", DOCKER_26));
        assertEquals(Optional.empty(), EngineHints.forFailure(null, DOCKER_26));
    }
}
