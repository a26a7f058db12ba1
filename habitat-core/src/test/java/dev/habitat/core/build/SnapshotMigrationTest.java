package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.snapshot.RegistryListing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotMigrationTest {
    private static final Map<String, String> BUILDKIT = Map.of("habitat.schema", "1", "habitat.method", "buildkit");
    private static final Map<String, String> ORIGINAL = Map.of("habitat.result", "pass", "base.hash", "a6c216484453");

    @Test
    void tellsWhoMadeASnapshotFromItsLabels() {
        assertEquals(SnapshotMigration.Maker.BUILDKIT, SnapshotMigration.makerOf("12-final", BUILDKIT));
        assertEquals(SnapshotMigration.Maker.DOCKER_EXEC,
                SnapshotMigration.makerOf("1-base", Map.of("habitat.schema", "1", "habitat.method", "docker-exec")));
        assertEquals(SnapshotMigration.Maker.ORIGINAL, SnapshotMigration.makerOf("final", ORIGINAL));
        assertEquals(SnapshotMigration.Maker.ORIGINAL, SnapshotMigration.makerOf("6-files", Map.of("base.hash", "a6c216484453")));
        assertEquals(SnapshotMigration.Maker.OTHER, SnapshotMigration.makerOf("1-base", Map.of("maintainer", "someone")));
    }

    @Test
    void anImageCommittedFromASnapshotUnderAnotherTagIsTheUsers() {
        // docker commit of a 12-final container inherits its labels; only the phase tags are snapshots
        assertEquals(SnapshotMigration.Maker.OTHER, SnapshotMigration.makerOf("mywork", BUILDKIT));
        assertEquals(SnapshotMigration.Maker.OTHER, SnapshotMigration.makerOf("12-final-copy", BUILDKIT));
        assertEquals(SnapshotMigration.Maker.OTHER, SnapshotMigration.makerOf("10-verify", BUILDKIT), "verify has no snapshot");
        assertEquals(SnapshotMigration.Maker.OTHER, SnapshotMigration.makerOf("final", BUILDKIT), "the original's scheme, our labels");
        assertEquals(SnapshotMigration.Maker.OTHER, SnapshotMigration.makerOf("mywork", ORIGINAL));
    }

    @Test
    void removeAndRebuildLeaveTheUsersOwnTagsAlone() {
        FakeEngine engine = new FakeEngine();
        engine.put("habitat-hello:12-final", BUILDKIT);
        engine.put("habitat-hello:mywork", BUILDKIT);
        engine.put("habitat-hello:final", ORIGINAL);
        engine.put("habitat-hello:old", ORIGINAL);
        SnapshotMigration migration = new SnapshotMigration(engine);
        SnapshotMigration.Report report = migration.report("hello", "habitat-hello", hashes());
        Map<String, SnapshotMigration.Entry> byTag = new HashMap<>();
        report.entries().forEach(e -> byTag.put(e.tag(), e));
        for (String users : List.of("habitat-hello:mywork", "habitat-hello:old")) {
            assertEquals(SnapshotMigration.Maker.OTHER, byTag.get(users).maker(), users);
            assertEquals("keep", byTag.get(users).remove(), users);
            assertEquals("keep", byTag.get(users).rebuild(), users);
        }
        assertEquals("remove", byTag.get("habitat-hello:12-final").remove());

        SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();
        List<String> removed = migration.remove(report, e -> true, progress);
        assertEquals(List.of("habitat-hello:12-final", "habitat-hello:final"), removed);
        assertEquals(List.of("habitat-hello:mywork", "habitat-hello:old"), List.copyOf(engine.images.keySet()));

        // a report claiming a user's tag is a snapshot (made elsewhere) still does not remove it
        SnapshotMigration.Report forged = new SnapshotMigration.Report("hello", "habitat-hello", List.of(new SnapshotMigration.Entry(
                "habitat-hello:mywork", "sha256:1", SnapshotMigration.Maker.BUILDKIT, null, false, "", "remove", "remove")));
        assertEquals(List.of(), migration.remove(forged, e -> true, progress));
        assertEquals(List.of("habitat-hello:mywork", "habitat-hello:old"), List.copyOf(engine.images.keySet()));
    }


    @TempDir
    Path dir;

    private StageGraph graph(String name) {
        return new Fixture(dir).write("habitat/config.yaml", Fixture.SCRIPTED.formatted(name)).plan().graph();
    }

    private BuildOptions options() {
        return new BuildOptions(null, null, false, null, dir.resolve("target"), null, null);
    }

    @Test
    void rebuildBuildsEveryPhaseWithTheGivenMethodThenRemovesWhatItDidNotReplace() {
        FakeEngine engine = new FakeEngine();
        engine.put("debian:bookworm", Map.of());
        engine.put("habitat-migrated:final", ORIGINAL);
        engine.put("habitat-migrated:6-files", ORIGINAL);
        engine.put("habitat-migrated:10-verify", ORIGINAL); // a phase tag no rebuild makes (verify has no snapshot)
        engine.put("habitat-migrated:mywork", BUILDKIT);
        FakeMethod method = new FakeMethod(engine);
        SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();

        SnapshotMigration.Report after = new SnapshotMigration(engine, method)
                .migrate(SnapshotMigration.Mode.REBUILD, graph("migrated"), options(), null, progress);

        // every phase built again from the base image (a rebuild ignores the snapshots there are), by the method given
        assertEquals(EnumSet.allOf(Phase.class), method.jobs.stream().flatMap(j -> j.phases().stream())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Phase.class))));
        assertTrue(method.jobs.stream().allMatch(SegmentJob::noCache), "rebuild ignores the cache");
        // the original tool's snapshots are gone, the user's tag stays, the rebuilt snapshots are current
        assertFalse(engine.images.containsKey("habitat-migrated:final"));
        assertFalse(engine.images.containsKey("habitat-migrated:10-verify"));
        assertTrue(engine.images.containsKey("habitat-migrated:mywork"));
        assertTrue(engine.images.containsKey("habitat-migrated:6-files"), "rebuilt: a snapshot of this plugin now");
        assertEquals(SnapshotMigration.Maker.BUILDKIT, byTag(after).get("habitat-migrated:6-files").maker());
        assertTrue(byTag(after).get("habitat-migrated:12-final").valid());
        assertFalse(byTag(after).containsKey("habitat-migrated:final"));
    }

    @Test
    void removeWaitsForABuildOfTheSameHabitatToEnd() throws Exception {
        FakeEngine engine = new FakeEngine();
        engine.put("debian:bookworm", Map.of());
        engine.put("habitat-locked-migration:final", ORIGINAL);
        SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();
        StageGraph graph = graph("locked-migration");
        CompletableFuture<SnapshotMigration.Report> removal;
        try (BuildLock building = BuildLock.acquire(HabitatBuilder.lockDirectory(), "locked-migration", Duration.ofSeconds(5), progress)) {
            removal = CompletableFuture.supplyAsync(() -> new SnapshotMigration(engine, new FakeMethod(engine))
                    .migrate(SnapshotMigration.Mode.REMOVE, graph, options(), null, progress));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (progress.infos.stream().noneMatch(m -> m.startsWith("habitat: waiting for another build of locked-migration"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(progress.infos.stream().anyMatch(m -> m.startsWith("habitat: waiting for another build of locked-migration")),
                    String.valueOf(progress.infos));
            assertTrue(engine.images.containsKey("habitat-locked-migration:final"), "nothing removed while the build holds the lock");
        }
        assertEquals(List.of(), removal.get(30, TimeUnit.SECONDS).entries());
        assertFalse(engine.images.containsKey("habitat-locked-migration:final"));
    }

    @Test
    void reportAddsTheRegistrysSnapshotsForTheCurrentHashes() {
        FakeEngine engine = new FakeEngine();
        engine.put("debian:bookworm", Map.of());
        engine.put("habitat-listed:final", ORIGINAL);
        List<Map<Phase, PhaseHash>> asked = new ArrayList<>();
        RegistryListing listing = new RegistryListing("registry.example/habitat-listed", List.of(), null);
        SnapshotMigration.Report report = new SnapshotMigration(engine, new FakeMethod(engine)).migrate(SnapshotMigration.Mode.REPORT,
                graph("listed"), options(), hashes -> {
                    asked.add(hashes);
                    return listing;
                }, new SharedSnapshotsTest.Recorded());
        assertEquals(listing, report.registry());
        assertEquals(1, asked.size());
        assertEquals(EnumSet.allOf(Phase.class), asked.get(0).keySet());
        assertTrue(engine.images.containsKey("habitat-listed:final"), "report changes nothing");
    }

    @Test
    void modesAreNamedOnce() {
        assertEquals(List.of("report", "adopt", "rebuild", "remove"), SnapshotMigration.Mode.ids());
        assertEquals(Optional.of(SnapshotMigration.Mode.REBUILD), SnapshotMigration.Mode.of("rebuild"));
        assertEquals(Optional.empty(), SnapshotMigration.Mode.of("Rebuild"));
    }

    private static Map<String, SnapshotMigration.Entry> byTag(SnapshotMigration.Report report) {
        Map<String, SnapshotMigration.Entry> m = new HashMap<>();
        report.entries().forEach(e -> m.put(e.tag(), e));
        return m;
    }

    private static Map<Phase, PhaseHash> hashes() {
        Map<Phase, PhaseHash> m = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            m.put(p, new PhaseHash(p, "h" + p.id(), Map.of()));
        }
        return m;
    }
}
