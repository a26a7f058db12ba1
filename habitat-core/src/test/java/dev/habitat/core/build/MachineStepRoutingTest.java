package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.engine.ImageConfig;
import dev.habitat.core.method.MachineStepJob;
import dev.habitat.core.method.buildkit.BuildKitMethod;
import dev.habitat.core.plan.PlannedHabitat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the containerd image store, BuildKit's machine step on a pulled 12-final would fetch layers the store skipped
 * from the FROM name's registry (docker.io): it runs in a build container from the pulled image instead.
 */
class MachineStepRoutingTest {
    @TempDir
    Path dir;

    private MachineStepJob job() {
        PlannedHabitat h = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL).plan();
        return new MachineStepJob(h.graph(), "habitat-demo:12-final", "habitat-demo:12-final", Map.of("DOCKER_GROUP_GID", "102"),
                null, dir.resolve("target"));
    }

    @Test
    void onTheContainerdStoreTheMachineStepRunsInAContainerFromThePulledImage() {
        FakeEngine engine = new FakeEngine();
        engine.containerdStore = true;
        engine.containerBase = new ImageConfig(List.of("PATH=/usr/bin:/bin"), null, List.of("bash"), "dev", "/workspace");
        // the fake records the create request, then refuses to start anything
        assertThrows(IllegalStateException.class, () -> new BuildKitMethod(engine).applyMachineStep(job(), new SharedSnapshotsTest.Recorded()));
        assertEquals(1, engine.containerRequests.size());
        assertEquals("habitat-demo:12-final", engine.containerRequests.get(0).image());
        assertTrue(engine.containerRequests.get(0).binds().isEmpty(), "the step reads nothing but its build argument");
    }

    @Test
    void onOtherStoresItIsABuildKitRequest() {
        FakeEngine engine = new FakeEngine();
        engine.containerBase = new ImageConfig(List.of("PATH=/usr/bin:/bin"), null, List.of("bash"), "dev", "/workspace");
        // the fake fails the test when a method opens a BuildKit session: here that is what proves the BuildKit request
        AssertionError asked = assertThrows(AssertionError.class,
                () -> new BuildKitMethod(engine).applyMachineStep(job(), new SharedSnapshotsTest.Recorded()));
        assertTrue(asked.getMessage().contains("openSession"), asked.getMessage());
        assertTrue(engine.containerRequests.isEmpty(), "no build container");
    }
}
