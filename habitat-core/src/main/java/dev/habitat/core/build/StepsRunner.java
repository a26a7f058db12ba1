package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.snapshot.Snapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One platform's build as a sequence of steps: resolve the inputs, find the resume point, pull shared snapshots, then
 * either nothing (up to date), the machine step alone, or explain, stage the context, choose the method and run the
 * segments; then write the report, and push the snapshots when it ended well. Failures become the user's messages in
 * {@link FailureMessages} only.
 */
final class StepsRunner {
    private final BuildRun run;
    private final ExternalInputResolver resolver;
    private final FailureMessages failures;

    StepsRunner(BuildRun run, ExternalInputResolver resolver) {
        this.run = run;
        this.resolver = resolver;
        this.failures = new FailureMessages(run.engine());
    }

    BuildSummary run() {
        ResolvedInputs inputs = new ResolveInputsStep(run, resolver).call();
        Snapshots snapshots = inputs.snapshots();
        ResumePoint local = new FindResumePointStep(run.options(), snapshots).call();
        ResumePoint point = new PullSharedSnapshotsStep(run.options(), inputs.shared(), snapshots).call(local);
        StepsOutcome outcome = build(inputs, point);

        BuildSummary summary = new BuildSummary(run.config().name(), outcome.results(), outcome.upToDate(),
                Duration.between(run.t0(), Instant.now()), outcome.finalImage());
        new WriteReportStep(run).call(outcome, outcome.failure() == null ? null
                : run.options().secrets().mask(outcome.failure().getMessage()));
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        new PushSnapshotsStep(run.options().sharing(), inputs.shared(), snapshots, run.progress()).call(summary);
        return summary;
    }

    private StepsOutcome build(ResolvedInputs inputs, ResumePoint point) {
        Snapshots snapshots = inputs.snapshots();
        Phase target = run.options().target();
        if (point.reached(target)) {
            // a 12-final whose content is current but made for another machine (pulled from a teammate, or the socket's
            // group changed since) gets the machine step alone: no phase is rebuilt, verify and test do not run again
            List<String> otherMachine = target == Phase.FINAL
                    ? snapshots.machineDifferences(target, inputs.external().machine()) : List.of();
            if (!otherMachine.isEmpty()) {
                return new ApplyMachineStepStep(run, inputs, failures).call(point, otherMachine);
            }
            run.progress().info("habitat: " + snapshots.tag(target) + " is up to date; nothing to build");
            return new StepsOutcome(PhaseRanges.reused(snapshots, target, point.pulled()), List.of(), null, snapshots.tag(target),
                    true, null);
        }
        new ExplainRebuildStep(run, snapshots).call(point);
        Phase start = point.start();
        List<PhaseResult> before = start == Phase.BASE ? List.of() : PhaseRanges.reused(snapshots, start.previous(), point.pulled());
        BuildContext context = new StageContextStep(run).call(inputs.hashes());
        BuildMethod runner = new ChooseMethodStep(run, inputs).call(point);
        return new RunSegmentsStep(run, inputs, failures).call(point, context, runner, before);
    }
}
