package dev.habitat.core.method;

import dev.habitat.core.Phase;
import dev.habitat.core.engine.trace.BuildKitStatus;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.report.StageTiming;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The phases of one build request as both methods record them: a phase's start (told to the progress once), the stages
 * it ran, the output of its steps (told to the progress, the last lines kept for a failure's report), and its end as a
 * {@link PhaseResult}, told to the progress; a failed phase once, with the time it ran, carried by the failure to the
 * report. Not thread-safe: one build request feeds it.
 */
public final class PhaseRecorder {
    /** Lines of a failed step a failure report shows. */
    public static final int KEEP_LINES = 20;

    private final BuildProgress progress;
    private final Map<Phase, Instant> started = new EnumMap<>(Phase.class);
    private final Map<Phase, List<StageTiming>> stages = new EnumMap<>(Phase.class);
    private final StepOutputTail output = new StepOutputTail(KEEP_LINES);
    private int execSteps;

    public PhaseRecorder(BuildProgress progress) {
        this.progress = progress;
    }

    /** The start of a phase, now; told to the progress the first time only. */
    public void started(Phase phase) {
        if (started.putIfAbsent(phase, Instant.now()) == null) {
            progress.phaseStarted(phase);
        }
    }

    /** When the phase was first told started, or null. */
    public Instant startOf(Phase phase) {
        return started.get(phase);
    }

    /** The latest phase that started, or null. */
    public Phase latestStarted() {
        return started.keySet().stream().max(Phase::compareTo).orElse(null);
    }

    /** A stage of {@code phase} that ran, in the order the stages ran. */
    public void stageDone(Phase phase, StageTiming stage) {
        stages.computeIfAbsent(phase, k -> new ArrayList<>()).add(stage);
    }

    /** A chunk of a BuildKit step's output: the lines it completes go to the progress under {@code stage} (null: none). */
    public void output(BuildKitStatus.VertexLog chunk, Stage stage) {
        for (String line : output.add(chunk)) {
            if (stage != null) {
                progress.output(stage.phase(), stage.name(), line);
            }
        }
    }

    /** The last lines of the BuildKit step (vertex) {@code step}, in the order the engine read them. */
    public List<String> lastLines(String step) {
        return output.last(step);
    }

    /** One step of {@code stage} whose output comes line by line (an exec): each line goes to the progress, the last are kept. */
    public StepLines step(Stage stage) {
        return new StepLines(stage, "exec-" + execSteps++);
    }

    /** The output of one step run line by line. */
    public final class StepLines implements Consumer<String> {
        private final Stage stage;
        private final String key;

        private StepLines(Stage stage, String key) {
            this.stage = stage;
            this.key = key;
        }

        @Override
        public void accept(String line) {
            output.addLine(key, line);
            progress.output(stage.phase(), stage.name(), line);
        }

        /** The step's last lines. */
        public List<String> last() {
            return output.last(key);
        }
    }

    /** A phase that ended well, with the stages recorded for it; told to the progress. */
    public PhaseResult finished(Phase phase, PhaseResult.Status status, String imageId, String snapshot, Instant start, Instant end) {
        PhaseResult r = new PhaseResult(phase, status, Duration.between(start, end), imageId, snapshot, start, end,
                stages.getOrDefault(phase, List.of()));
        progress.phaseFinished(r);
        return r;
    }

    /**
     * The failed phase, recorded once as having run from the start of the phase running (the latest started) until now;
     * the failure carries it to the report. (A step of a side stage fails inside the phase that runs it.)
     */
    public BuildFailedException failed(BuildFailedException e) {
        Phase running = latestStarted();
        Instant start = running == null ? null : started.get(running);
        return failed(e, start == null ? Duration.ZERO : Duration.between(start, Instant.now()));
    }

    /** The failed phase, recorded once as having run {@code ran} (as the engine's trace timed it). */
    public BuildFailedException failed(BuildFailedException e, Duration ran) {
        PhaseResult failed = new PhaseResult(e.phase(), PhaseResult.Status.FAILED, ran, null, null);
        progress.phaseFinished(failed);
        return e.recordedAs(failed);
    }
}
