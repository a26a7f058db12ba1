package dev.habitat.core.method.buildkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import dev.habitat.core.RecordingProgress;
import dev.habitat.core.engine.trace.BuildKitStatus;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.report.StageTiming;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BuildKit trace of one segment as the tracker reads it: vertexes named {@code [stage n/m] instruction} mapped to
 * their stage and phase, phase starts and completions, timings and cache hits per phase and stage, step output as
 * lines, and the failed step with its last lines.
 */
class SegmentTrackerTest {
    private static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");

    @TempDir
    Path dir;
    private StageGraph graph;
    private final RecordingProgress progress = new RecordingProgress();
    private final List<String> events = progress.lines;
    private final List<Phase> done = new ArrayList<>();

    @BeforeEach
    void plan() {
        graph = new Fixture(dir).write("habitat/config.yaml", Fixture.SCRIPTED.formatted("tracked")).plan().graph();
    }

    private String stage(Phase p) {
        return graph.lastStageOf(p).name();
    }

    private static BuildKitStatus.Vertex vertex(String digest, String name, boolean cached, int startS, int endS, String error) {
        return new BuildKitStatus.Vertex(digest, List.of(), name, cached, startS < 0 ? null : T0.plusSeconds(startS),
                endS < 0 ? null : T0.plusSeconds(endS), error);
    }

    private static BuildKitStatus status(BuildKitStatus.Vertex... vs) {
        return new BuildKitStatus(List.of(vs), List.of());
    }

    private static BuildKitStatus log(String digest, int stream, String text) {
        return new BuildKitStatus(List.of(), List.of(new BuildKitStatus.VertexLog(digest, T0, stream, text.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void mapsStepsToTheirPhasesAnnouncesEachOnceAndCompletesEarlierPhasesWhenALaterStageStarts() {
        Set<Phase> segment = EnumSet.of(Phase.FILES, Phase.REPOS, Phase.TOOLS, Phase.SCRIPTS);
        SegmentTracker t = new SegmentTracker(graph, segment, progress, done::add);
        t.status(status(vertex("sha256:ctx", "[internal] load build context", false, 0, 1, null)));
        t.status(status(vertex("sha256:f1", "[" + stage(Phase.FILES) + " 1/2] FROM habitat-tracked:5-habitat", false, 1, 1, null),
                vertex("sha256:f2", "[" + stage(Phase.FILES) + " 2/2] COPY files/0 /workspace", false, 1, 3, null)));
        assertEquals(List.of("started 6-files"), events, "an [internal] step belongs to no phase");
        assertEquals(List.of(), done, "nothing later started yet");
        t.status(status(vertex("sha256:f2", "[" + stage(Phase.FILES) + " 2/2] COPY files/0 /workspace", false, 1, 3, null)));
        assertEquals(1, events.size(), "a phase is announced once");

        t.status(status(vertex("sha256:s1", "[" + stage(Phase.SCRIPTS) + " 1/2] RUN echo one", false, 4, 10, null)));
        assertEquals(List.of("started 6-files", "started 9-scripts"), events);
        assertEquals(List.of(Phase.FILES, Phase.REPOS, Phase.TOOLS), done, "every earlier phase of the segment is complete, once");
        t.status(status(vertex("sha256:s2", "[" + stage(Phase.SCRIPTS) + " 2/2] RUN echo two", false, 10, 12, null)));
        assertEquals(3, done.size());
        assertEquals(Phase.SCRIPTS, t.latestStarted());
    }

    @Test
    void timesEachPhaseFromItsFirstStepToItsLastLeavingFromLinesOutAndIsCachedOnlyWhenEveryStepWas() {
        Set<Phase> segment = EnumSet.of(Phase.FILES, Phase.SCRIPTS);
        SegmentTracker t = new SegmentTracker(graph, segment, progress);
        t.status(status(vertex("sha256:f1", "[" + stage(Phase.FILES) + " 1/3] FROM habitat-tracked:5-habitat", false, 0, 30, null),
                vertex("sha256:f2", "[" + stage(Phase.FILES) + " 2/3] COPY a /a", true, 2, 3, null),
                vertex("sha256:f3", "[" + stage(Phase.FILES) + " 3/3] COPY b /b", true, 3, 5, null),
                vertex("sha256:s1", "[" + stage(Phase.SCRIPTS) + " 1/2] RUN echo one", true, 6, 7, null),
                vertex("sha256:s2", "[" + stage(Phase.SCRIPTS) + " 2/2] RUN echo two", false, 7, 12, null)));
        Map<Phase, SegmentTracker.PhaseTiming> timings = t.timings();
        assertEquals(Duration.ofSeconds(3), timings.get(Phase.FILES).duration(), "2 s to 5 s: the FROM line's 30 s is not the phase's");
        assertTrue(timings.get(Phase.FILES).cached());
        assertEquals(Duration.ofSeconds(6), timings.get(Phase.SCRIPTS).duration());
        assertFalse(timings.get(Phase.SCRIPTS).cached(), "one step ran");
        List<StageTiming> files = t.stageTimings().get(Phase.FILES);
        assertEquals(List.of(new StageTiming(stage(Phase.FILES), T0.plusSeconds(2), T0.plusSeconds(5), true)), files);
    }

    @Test
    void aPhaseWithoutStepsIsAnnouncedOnlyWhenAskedAndTakesNoTime() {
        SegmentTracker t = new SegmentTracker(graph, EnumSet.of(Phase.TOOLS), progress);
        assertEquals(Duration.ZERO, t.timings().get(Phase.TOOLS).duration());
        assertNull(t.latestStarted());
        t.ensureStarted(Phase.TOOLS);
        t.ensureStarted(Phase.TOOLS);
        assertEquals(List.of("started 8-tools"), events);
    }

    @Test
    void aSegmentOfOneStageReadsStepsWithoutAStagePrefix() {
        List<Stage> scripts = graph.stagesOf(Phase.SCRIPTS);
        Phase single = scripts.size() == 1 ? Phase.SCRIPTS : Phase.TOOLS;
        assertEquals(1, graph.stagesOf(single).size(), "a phase of one stage in this config");
        SegmentTracker t = new SegmentTracker(graph, EnumSet.of(single), progress);
        t.status(status(vertex("sha256:x", "[1/2] RUN true", false, 0, 1, null)));
        assertEquals(List.of("started " + single.tagSuffix()), events);
    }

    @Test
    void sendsOutputAsLinesPerStreamAndKeepsTheFailedStepsLastLinesAndError() {
        SegmentTracker t = new SegmentTracker(graph, EnumSet.of(Phase.SCRIPTS), progress);
        String run = "[" + stage(Phase.SCRIPTS) + " 1/2] RUN bash /run/habitat/script/run.sh";
        t.status(status(vertex("sha256:r", run, false, 0, -1, null)));
        t.status(log("sha256:r", 1, "first li"));
        t.status(log("sha256:r", 2, "warning: x\n"));
        t.status(log("sha256:r", 1, "ne\nsecond line\n"));
        t.status(log("sha256:unknown", 1, "not a step of ours\n"));
        assertEquals(List.of("started 9-scripts", "output 9-scripts " + stage(Phase.SCRIPTS) + " warning: x",
                "output 9-scripts " + stage(Phase.SCRIPTS) + " first line",
                "output 9-scripts " + stage(Phase.SCRIPTS) + " second line"), events,
                "a stdout line is completed by stdout only; a vertex of no stage has no output line");
        assertNull(t.failedStep());
        // a sibling step cancelled by the failure is not the failed one
        t.status(status(vertex("sha256:other", "[" + stage(Phase.SCRIPTS) + " 2/2] RUN true", false, 1, 2, "context canceled")));
        assertNull(t.failedStep());
        t.status(status(vertex("sha256:r", run, false, 0, 3, "process \"/bin/sh -c bash /run/habitat/script/run.sh\" did not "
                + "complete successfully: exit code: 3")));
        SegmentTracker.Step failed = t.failedStep();
        assertEquals("sha256:r", failed.digest());
        assertEquals(Phase.SCRIPTS, failed.stage().phase());
        assertEquals("RUN bash /run/habitat/script/run.sh", failed.instruction());
        assertTrue(t.error(failed).endsWith("exit code: 3"), t.error(failed));
        assertEquals(List.of("warning: x", "first line", "second line"), t.lastLines(failed), "in the order the lines were completed");
    }

    @Test
    void theEnginesPlainLinesAreNeverDroppedAndItsConfirmationsAreDebugOnly() {
        SegmentTracker t = new SegmentTracker(graph, EnumSet.of(Phase.SCRIPTS), progress);
        t.stream("Successfully built 0123\n\nWARNING: something\n");
        assertEquals(List.of("debug habitat: engine: Successfully built 0123", "info habitat: engine: WARNING: something"), events);
    }
}
