package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import dev.habitat.core.RecordingProgress;
import dev.habitat.core.engine.ImageConfig;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.ContextTally;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.method.exec.ExecMethod;
import dev.habitat.core.plan.PlannedHabitat;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.render.ContextStager;
import dev.habitat.core.render.DockerfileRenderer;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.secrets.Secrets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker-exec method over the fake engine: one container per segment, a commit per snapshot, a failing step. */
class ExecMethodTest {
    @TempDir
    Path dir;
    private final FakeEngine engine = new FakeEngine();
    private PlannedHabitat habitat;
    private SegmentJob job;

    @BeforeEach
    void segment() {
        habitat = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL + """
                scripts:
                  - {run_as: root, commands: [echo one]}
                """).plan();
        engine.containerBase = new ImageConfig(List.of("PATH=/usr/bin:/bin"), null, List.of("bash"), "root", "/");
        engine.runsContainers = true;
        BuildContext ctx = new ContextStager().stage(habitat.graph(), new DockerfileRenderer().render(habitat.graph(), habitat.hashes()),
                dir.resolve("target/habitat/demo"), dir.resolve("target"));
        job = new SegmentJob(habitat.graph(), habitat.hashes(), ctx, EnumSet.of(Phase.SCRIPTS), "habitat-demo:8-tools",
                "habitat-demo:9-scripts", Map.of(), null, false, dir.resolve("target"), Secrets.none(), new ContextTally());
    }

    /** Every container the method started, and that each was removed after. */
    private void assertEveryContainerRemoved(List<String> log) {
        List<String> started = log.stream().filter(l -> l.startsWith("start ")).map(l -> l.split(" ")[1]).toList();
        assertFalse(started.isEmpty());
        for (String c : started) {
            assertTrue(log.contains("remove " + c), c + " was left: " + log);
        }
    }

    @Test
    void aSegmentRunsFromItsStartImageAndEndsInOneTaggedCommitAndNoContainerIsLeft() {
        List<PhaseResult> results = new ExecMethod(engine, new FakeMethod(engine)).run(job, new SharedSnapshotsTest.Recorded());

        List<String> log = engine.containerLog;
        assertEquals("start container-1 from habitat-demo:8-tools", log.get(0));
        assertTrue(log.stream().anyMatch(l -> l.matches("exec container-\\d as root: bash /run/habitat/script/run.sh scripts\\[0] -- echo one")),
                log.toString());
        List<String> tagged = log.stream().filter(l -> l.startsWith("commit ") && !l.contains(" as untagged ")).toList();
        assertEquals(1, tagged.size(), log.toString());
        assertTrue(tagged.get(0).contains(" as habitat-demo:9-scripts "), tagged.get(0));
        assertEveryContainerRemoved(log);
        assertEquals(List.of(Phase.SCRIPTS), results.stream().map(PhaseResult::phase).toList());
        assertEquals("habitat-demo:9-scripts", results.get(0).snapshot());
        assertEquals(PhaseResult.Status.BUILT, results.get(0).status());
    }

    @Test
    void aFailingStepFailsItsPhaseWithItsExitCodeAndOutputCommitsNothingAndLeavesNoContainer() {
        engine.failingExec = "scripts[0] -- echo one";
        RecordingProgress progress = new RecordingProgress();
        BuildFailedException e = assertThrows(BuildFailedException.class,
                () -> new ExecMethod(engine, new FakeMethod(engine)).run(job, progress));
        assertEquals(Phase.SCRIPTS, e.phase());
        assertEquals(Integer.valueOf(3), e.exitCode());
        assertEquals(List.of("habitat: scripts[0] command 1 failed with exit code 3"), e.lastLines());
        assertTrue(e.getMessage().contains("echo one"), "the failing command: " + e.getMessage());
        List<String> log = engine.containerLog;
        assertFalse(log.stream().anyMatch(l -> l.startsWith("commit ") && l.contains("habitat-demo:9-scripts")), log.toString());
        assertEveryContainerRemoved(log);
        // the failed phase is recorded once, and the failure carries that record to the report
        assertEquals(List.of("finished 9-scripts"), progress.lines.stream().filter(l -> l.startsWith("finished ")).toList());
        PhaseResult recorded = e.recorded().orElseThrow();
        assertEquals(Phase.SCRIPTS, recorded.phase());
        assertEquals(PhaseResult.Status.FAILED, recorded.status());
    }
}
