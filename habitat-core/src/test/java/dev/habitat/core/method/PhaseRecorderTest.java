package dev.habitat.core.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Phase;
import dev.habitat.core.RecordingProgress;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.report.StageTiming;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PhaseRecorderTest {
    private final RecordingProgress progress = new RecordingProgress();
    private final PhaseRecorder recorder = new PhaseRecorder(progress);
    private final Stage stage = new Stage("tools", Phase.TOOLS, Stage.Role.CORE, "packages", List.of());

    @Test
    void aPhaseIsToldStartedOnceAndFinishesWithTheStagesRecordedForIt() {
        recorder.started(Phase.TOOLS);
        recorder.started(Phase.TOOLS);
        Instant start = recorder.startOf(Phase.TOOLS);
        StageTiming timing = new StageTiming("tools", start, start.plusSeconds(2), false);
        recorder.stageDone(Phase.TOOLS, timing);
        PhaseResult r = recorder.finished(Phase.TOOLS, PhaseResult.Status.BUILT, "sha256:1", "h:8-tools", start, start.plusSeconds(3));

        assertEquals(List.of("started 8-tools", "finished 8-tools"), progress.lines);
        assertEquals(Duration.ofSeconds(3), r.duration());
        assertEquals(List.of(timing), r.stages());
        assertEquals(Phase.TOOLS, recorder.latestStarted());
    }

    @Test
    void anExecStepsLinesGoToTheProgressAndItsLastTwentyAreKeptAsTheyCame() {
        PhaseRecorder.StepLines first = recorder.step(stage);
        PhaseRecorder.StepLines second = recorder.step(stage);
        IntStream.range(0, 25).forEach(i -> first.accept("line " + i + "\r"));
        second.accept("other");

        assertEquals(25, progress.lines.stream().filter(l -> l.startsWith("output 8-tools tools line ")).count());
        assertEquals(IntStream.range(5, 25).mapToObj(i -> "line " + i + "\r").toList(), first.last());
        assertEquals(List.of("other"), second.last(), "each step keeps its own lines");
    }

    @Test
    void aFailedPhaseIsRecordedOnceWithTheTimeItRanAndCarriedByTheFailure() throws InterruptedException {
        recorder.started(Phase.TOOLS);
        Thread.sleep(20);
        BuildFailedException e = Failures.report(Phase.TOOLS, stage, new Operation.RunCommand("root", "false", "false"), "false", 1,
                List.of(), "exit code: 1");

        BuildFailedException recorded = recorder.failed(e);

        PhaseResult failed = recorded.recorded().orElseThrow();
        assertSame(Phase.TOOLS, failed.phase());
        assertEquals(PhaseResult.Status.FAILED, failed.status());
        assertTrue(failed.duration().compareTo(Duration.ofMillis(20)) >= 0, "the time since the phase started: " + failed.duration());
        assertEquals(List.of("started 8-tools", "finished 8-tools"), progress.lines, "told once");
        assertEquals(Duration.ofSeconds(7), recorder.failed(e, Duration.ofSeconds(7)).recorded().orElseThrow().duration());
    }
}
