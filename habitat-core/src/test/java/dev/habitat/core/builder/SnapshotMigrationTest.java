package dev.habitat.core.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotMigrationTest {
    @Test
    void tellsWhoMadeASnapshotFromItsLabels() {
        assertEquals(SnapshotMigration.Maker.BUILDKIT,
                SnapshotMigration.makerOf(Map.of("habitat.schema", "1", "habitat.method", "buildkit")));
        assertEquals(SnapshotMigration.Maker.DOCKER_EXEC,
                SnapshotMigration.makerOf(Map.of("habitat.schema", "1", "habitat.method", "docker-exec")));
        assertEquals(SnapshotMigration.Maker.ORIGINAL,
                SnapshotMigration.makerOf(Map.of("habitat.result", "pass", "base.hash", "a6c216484453")));
        assertEquals(SnapshotMigration.Maker.ORIGINAL, SnapshotMigration.makerOf(Map.of("base.hash", "a6c216484453")));
        assertEquals(SnapshotMigration.Maker.OTHER, SnapshotMigration.makerOf(Map.of("maintainer", "someone")));
    }
}
