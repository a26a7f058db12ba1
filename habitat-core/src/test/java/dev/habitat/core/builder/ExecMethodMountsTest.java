package dev.habitat.core.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.ImageConfig;
import dev.habitat.core.plan.PlannedHabitat;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mounts of a docker-exec build container: config volumes only by opt-in, and then read-only. */
class ExecMethodMountsTest {
    @TempDir
    Path dir;

    /** Runs the files segment of {@code config} with the exec method and returns the create request it made. */
    private FakeEngine.ContainerRequest containerFor(String config, SharedSnapshotsTest.Recorded progress) {
        PlannedHabitat h = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL + config).plan();
        FakeEngine engine = new FakeEngine();
        engine.containerBase = new ImageConfig(List.of("PATH=/usr/bin:/bin"), null, List.of("bash"), "root", "/");
        SegmentJob job = new SegmentJob(h.graph(), h.hashes(), null, EnumSet.of(Phase.FILES), "habitat-demo:5-habitat",
                "habitat-demo:6-files", Map.of(), null, false, dir.resolve("target"), Secrets.none(), new ContextTally());
        assertThrows(IllegalStateException.class, () -> new ExecMethod(engine, new FakeMethod(engine)).run(job, progress));
        assertEquals(1, engine.containerRequests.size());
        return engine.containerRequests.get(0);
    }

    @Test
    void configVolumesAreNeverMountedInABuildContainerByDefault() {
        SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();
        FakeEngine.ContainerRequest c = containerFor("""
                volumes:
                  - /var/run/docker.sock:/var/run/docker.sock
                  - /srv/data:/data:rw
                """, progress);
        assertEquals(List.of(), c.binds(), "nothing: no repository needs a git mirror either");
        assertEquals(List.of(), progress.warnings);
    }

    @Test
    void aVolumeOptedInWithBuildMountIsMountedReadOnlyWithAWarning() {
        SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();
        FakeEngine.ContainerRequest c = containerFor("""
                volumes:
                  - /run/only:/only
                  - {volume: "/srv/data:/data:rw,z", build_mount: true}
                  - {volume: /srv/ref:/ref, build_mount: false}
                """, progress);
        assertEquals(List.of("/srv/data:/data:ro,z"), c.binds());
        assertEquals(1, progress.warnings.size(), progress.warnings.toString());
        String w = progress.warnings.get(0);
        assertTrue(w.contains("/srv/data:/data:ro,z (volumes[1]") && w.contains("read-only") && w.contains("Remove build_mount"), w);
    }
}
