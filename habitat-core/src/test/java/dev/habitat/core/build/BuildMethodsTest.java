package dev.habitat.core.build;

import dev.habitat.core.BuildMethodName;
import dev.habitat.core.HabitatException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.EngineInfo;
import dev.habitat.core.method.buildkit.BuildKitMethod;
import dev.habitat.core.method.exec.ExecMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildMethodsTest {
    private static final EngineInfo DOCKER_20 = new EngineInfo(EngineInfo.Product.DOCKER, "20.10.24", "1.41");
    private static final EngineInfo DOCKER_18_06 = new EngineInfo(EngineInfo.Product.DOCKER, "18.06.3", "1.38");
    private static final EngineInfo PODMAN = new EngineInfo(EngineInfo.Product.PODMAN, "4.3.1", "1.41");

    @Test
    void autoTakesBuildKitWhereTheEngineHasItAndSaysWhy() {
        BuildMethods.Choice c = BuildMethods.resolve(null, DOCKER_20, "unix:///var/run/docker.sock");
        assertEquals("buildkit", c.method());
        assertEquals("Docker 20.10.24 (API 1.41) builds with BuildKit, so buildkit", c.reason());
        assertEquals("buildkit", BuildMethods.resolve(" auto ", DOCKER_20, "h").method());
    }

    @Test
    void autoTakesDockerExecOnPodmanAndOldDocker() {
        BuildMethods.Choice c = BuildMethods.resolve("auto", PODMAN, "unix:///run/podman.sock");
        assertEquals("docker-exec", c.method());
        assertTrue(c.reason().startsWith("Podman 4.3.1 (API 1.41) at unix:///run/podman.sock has no BuildKit (its Dockerfile builder is Buildah"),
                c.reason());
        assertEquals("docker-exec", BuildMethods.resolve("", DOCKER_18_06, "h").method());
    }

    @Test
    void anExplicitChoiceIsKeptOrRefusedWithTheWayOut() {
        assertNull(BuildMethods.resolve("buildkit", DOCKER_20, "h").reason(), "nothing to explain when the user chose");
        assertEquals("docker-exec", BuildMethods.resolve("docker-exec", PODMAN, "h").method());
        HabitatException e = assertThrows(HabitatException.class, () -> BuildMethods.resolve("buildkit", PODMAN, "unix:///p.sock"));
        assertEquals(HabitatException.Kind.ENVIRONMENT, e.kind(), "the engine, not the habitat, must change");
        assertTrue(e.getMessage().contains("needs BuildKit, but Podman 4.3.1") && e.getMessage().contains("-Dhabitat.buildMethod=auto"),
                e.getMessage());
        HabitatException u = assertThrows(HabitatException.class, () -> BuildMethods.resolve("dockerexec", DOCKER_20, "h"));
        assertEquals("unknown build method 'dockerexec': use one of auto, buildkit, docker-exec", u.getMessage());
        assertEquals(HabitatException.Kind.HABITAT, u.kind());
    }

    @Test
    void oneListOfNamesServesTheConfigTheCommandLineAndTheMethods() {
        assertEquals(List.of("auto", "buildkit", "docker-exec"), BuildMethods.NAMES);
        assertEquals(BuildMethodName.BUILDKIT.id(), new BuildKitMethod(null).name());
        assertEquals(BuildMethodName.DOCKER_EXEC.id(), new ExecMethod(null, null).name());
        // checked before an engine is reached, in the words resolve uses
        assertEquals("docker-exec", BuildMethods.requireKnown(" docker-exec "));
        assertEquals("auto", BuildMethods.requireKnown(null));
        HabitatException u = assertThrows(HabitatException.class, () -> BuildMethods.requireKnown("exec"));
        assertEquals("unknown build method 'exec': use one of auto, buildkit, docker-exec", u.getMessage());
    }
}
