package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.MachineStepJob;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.snapshot.Snapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine step alone on a 12-final whose hashes are current and whose machine labels differ from this machine's
 * facts; the result is tagged 12-final (the one it started from keeps its tag if the step fails: its content is
 * current). The report gives 12-final the status {@code regrouped}, and the phases before it as reused or pulled.
 */
final class ApplyMachineStepStep {
    private final BuildRun run;
    private final ResolvedInputs inputs;
    private final FailureMessages failures;

    ApplyMachineStepStep(BuildRun run, ResolvedInputs inputs, FailureMessages failures) {
        this.run = run;
        this.inputs = inputs;
        this.failures = failures;
    }

    StepsOutcome call(ResumePoint point, List<String> otherMachine) {
        Snapshots snapshots = inputs.snapshots();
        String tag = snapshots.tag(Phase.FINAL);
        run.progress().info("habitat: " + tag + " has the current hashes but was made for another machine (" + String.join(", ", otherMachine)
                + "): applying only the machine step (the docker socket's group) with the " + run.method().name() + " method; no phase is rebuilt");
        List<PhaseResult> results = new ArrayList<>(PhaseRanges.reused(snapshots, Phase.TEST, point.pulled()));
        MachineStepJob job = new MachineStepJob(run.graph(), tag, tag, inputs.external().machine().buildArgs(), run.network(),
                run.options().outputDirectory(), inputs.asked());
        PhaseResult finalResult;
        try {
            finalResult = run.method().applyMachineStep(job, run.progress());
        } catch (BuildFailedException e) {
            results.add(e.recorded().orElseGet(() -> new PhaseResult(Phase.FINAL, PhaseResult.Status.FAILED, Duration.ZERO, null, null)));
            return new StepsOutcome(results, List.of(), null, null, false, e);
        } catch (RuntimeException e) {
            throw failures.methodFailure(e, Phase.FINAL, tag); // the 12-final it started from keeps its tag
        }
        snapshots.forget(Phase.FINAL);
        results.add(finalResult);
        return new StepsOutcome(results, List.of(), null, tag, false, null);
    }
}
