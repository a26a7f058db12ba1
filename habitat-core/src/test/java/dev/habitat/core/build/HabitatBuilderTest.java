package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.habitat.core.Phase;
import dev.habitat.core.engine.ImageInfo;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.snapshot.Snapshots;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HabitatBuilderTest {

    /** Snapshots where exactly {@code present} have an image (the hashes do not matter to what is reused). */
    private static Snapshots store(Set<Phase> present) {
        return new Snapshots("habitat-x", Map.of(), tag -> {
            Phase p = Phase.parse(tag.substring(tag.indexOf(':') + 1)).orElseThrow();
            return present.contains(p) ? Optional.of(new ImageInfo("sha256:" + p.id(), Map.of(), 1, "now")) : Optional.empty();
        });
    }

    private static Map<String, String> statuses(List<PhaseResult> results) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        results.forEach(r -> out.put(r.phase().tagSuffix(), r.status().label()));
        return out;
    }

    @Test
    void verifyAndTestReusedWithTheFinalSnapshotArePassedTheSnapshotsStaySnapshots() {
        Set<Phase> snapshotted = EnumSet.complementOf(EnumSet.of(Phase.VERIFY, Phase.TEST));
        List<PhaseResult> reused = HabitatBuilder.reused(store(snapshotted), Phase.FINAL, Set.of());
        Map<String, String> statuses = statuses(reused);
        assertEquals(12, statuses.size());
        assertEquals("passed", statuses.get("10-verify"));
        assertEquals("passed", statuses.get("11-test"));
        statuses.entrySet().stream().filter(e -> !e.getKey().equals("10-verify") && !e.getKey().equals("11-test"))
                .forEach(e -> assertEquals("snapshot", e.getValue(), e.getKey()));
        assertNull(reused.get(Phase.VERIFY.ordinal()).snapshot());
        assertEquals("habitat-x:12-final", reused.get(Phase.FINAL.ordinal()).snapshot());
    }

    @Test
    void verifyAndTestArePassedWhenTheFinalSnapshotCameFromTheRegistryToo() {
        // only 12-final was pulled: the earlier phases' layers are in it, none has a local snapshot
        Map<String, String> statuses = statuses(HabitatBuilder.reused(store(EnumSet.of(Phase.FINAL)), Phase.FINAL,
                EnumSet.allOf(Phase.class)));
        assertEquals("passed", statuses.get("10-verify"));
        assertEquals("passed", statuses.get("11-test"));
        assertEquals("pulled", statuses.get("12-final"));
        assertEquals("pulled", statuses.get("9-scripts"));
    }

    @Test
    void resumingBeforeVerifyReusesOnlySnapshots() {
        Map<String, String> statuses = statuses(HabitatBuilder.reused(store(EnumSet.allOf(Phase.class)), Phase.SCRIPTS, Set.of()));
        assertEquals(9, statuses.size());
        assertEquals(Set.of("snapshot"), Set.copyOf(statuses.values()));
    }
}
