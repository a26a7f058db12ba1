package dev.habitat.core.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.EngineInfo;
import org.junit.jupiter.api.Test;

class EngineNamesTest {
    @Test
    void podmanAndContainerdStyleNamesBecomeTheShortTagsThePluginUses() {
        assertEquals("habitat-x:1-base", DockerEngine.shortName("docker.io/library/habitat-x:1-base"));
        assertEquals("habitat-x:1-base", DockerEngine.shortName("localhost/habitat-x:1-base"));
        assertEquals("registry:5000/team/x:1", DockerEngine.shortName("registry:5000/team/x:1"));
    }

    @Test
    void buildKitNeedsDockerWithApi139() {
        assertTrue(new EngineInfo(EngineInfo.Product.DOCKER, "26.1.5", "1.45").hasBuildKit());
        assertTrue(new EngineInfo(EngineInfo.Product.DOCKER, "18.09", "1.39").hasBuildKit());
        assertFalse(new EngineInfo(EngineInfo.Product.DOCKER, "18.06", "1.38").hasBuildKit());
        assertFalse(new EngineInfo(EngineInfo.Product.PODMAN, "4.3.1", "1.41").hasBuildKit());
        assertFalse(new EngineInfo(EngineInfo.Product.DOCKER, "?", null).hasBuildKit());
    }

    @Test
    void podmansBareCommitIdsTakeTheFormInspectionGives() {
        assertEquals("sha256:c3a14fe331d7", DockerContainers.imageIdOf("c3a14fe331d7"));
        assertEquals("sha256:c3a14fe331d7", DockerContainers.imageIdOf("sha256:c3a14fe331d7"));
        assertEquals("", DockerContainers.imageIdOf(""));
    }
}
