package dev.habitat.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.habitat.core.Phase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildSummaryTest {

    @Test
    void verifyAndTestReusedWithTheFinalSnapshotArePassedWithTheReasonBelowTheTable() {
        BuildSummary summary = new BuildSummary("x", List.of(
                new PhaseResult(Phase.SCRIPTS, PhaseResult.Status.SNAPSHOT, Duration.ZERO, "sha256:09", "habitat-x:9-scripts"),
                new PhaseResult(Phase.VERIFY, PhaseResult.Status.PASSED, Duration.ZERO, null, null),
                new PhaseResult(Phase.TEST, PhaseResult.Status.PASSED, Duration.ZERO, null, null),
                new PhaseResult(Phase.FINAL, PhaseResult.Status.SNAPSHOT, Duration.ZERO, "sha256:12", "habitat-x:12-final")),
                true, Duration.ofMillis(300), "habitat-x:12-final");
        assertEquals(List.of(
                "phase        status     seconds",
                "9-scripts    snapshot       0.0",
                "10-verify    passed         0.0",
                "11-test      passed         0.0",
                "12-final     snapshot       0.0",
                "total        up-to-date      0.3",
                "passed (10-verify, 11-test): ran when 12-final was built; no snapshot of its own"), summary.table().lines().toList());
    }

    @Test
    void aBuildThatRanEverythingHasNoNoteBelowTheTable() {
        BuildSummary summary = new BuildSummary("x", List.of(
                new PhaseResult(Phase.TEST, PhaseResult.Status.BUILT, Duration.ofSeconds(2), null, null),
                new PhaseResult(Phase.FINAL, PhaseResult.Status.CACHED, Duration.ZERO, "sha256:12", "habitat-x:12-final")),
                false, Duration.ofSeconds(3), "habitat-x:12-final");
        List<String> lines = summary.table().lines().toList();
        assertEquals("11-test      built          2.0", lines.get(1));
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertFalse(summary.table().contains("passed"));
    }
}
