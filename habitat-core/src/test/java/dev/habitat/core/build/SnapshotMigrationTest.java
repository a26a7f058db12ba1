package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.habitat.core.Phase;
import dev.habitat.core.plan.PhaseHash;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

    private static Map<Phase, PhaseHash> hashes() {
        Map<Phase, PhaseHash> m = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            m.put(p, new PhaseHash(p, "h" + p.id(), Map.of()));
        }
        return m;
    }
}
