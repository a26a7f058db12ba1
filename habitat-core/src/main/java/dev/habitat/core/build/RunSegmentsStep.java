package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.method.ContextTally;
import dev.habitat.core.method.EngineLostException;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.Planner;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.report.CommandTimes;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.snapshot.Snapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the phases from the resume point to the target with the chosen method, one job per segment (snapshot to
 * snapshot), or one job for all when the method tags several snapshots per job. A failed step removes the snapshots of
 * the failed phase and every later one (a failed test leaves no 12-final) and ends the run with the failure in its
 * outcome; any other failure leaves as {@link FailureMessages#methodFailure}.
 */
final class RunSegmentsStep {
    private final BuildRun run;
    private final ResolvedInputs inputs;
    private final FailureMessages failures;

    RunSegmentsStep(BuildRun run, ResolvedInputs inputs, FailureMessages failures) {
        this.run = run;
        this.inputs = inputs;
        this.failures = failures;
    }

    StepsOutcome call(ResumePoint point, BuildContext context, BuildMethod runner, List<PhaseResult> before) {
        BuildOptions options = run.options();
        Snapshots snapshots = inputs.snapshots();
        Phase start = point.start();
        Phase target = options.target();
        List<PhaseResult> results = new ArrayList<>(before);
        Phase noCacheFrom = options.rebuildAll() ? Phase.BASE : options.rebuildFrom();
        Map<String, String> buildArgs = buildArgs(inputs.external(), run.config());
        String from = point.resume().map(snapshots::tag).orElse(null);
        String finalImage = null;
        ContextTally contextSent = new ContextTally();
        CommandTimes commandTimes = new CommandTimes(run.progress(), Clock.systemUTC());
        List<Set<Phase>> jobs = runner.buildsSeveralSnapshotsPerJob() ? List.of(PhaseRanges.range(start, target))
                : PhaseRanges.segments(start, target);
        for (Set<Phase> segment : jobs) {
            Phase last = SegmentJob.lastOf(segment);
            boolean noCache = noCacheFrom != null && segment.stream().anyMatch(p -> p.id() >= noCacheFrom.id());
            SegmentJob job = new SegmentJob(run.graph(), inputs.hashes(), context, segment, from,
                    last.snapshotted() ? snapshots.tag(last) : null, buildArgs, run.network(), noCache,
                    options.outputDirectory(), options.secrets(), contextSent, inputs.asked());
            try {
                results.addAll(runner.run(job, commandTimes));
            } catch (BuildFailedException e) {
                // No snapshot of the failed phase or a later one outlives a failure (a failed test leaves no 12-final).
                for (Phase p : Phase.values()) {
                    if (e.phase() != null && p.id() >= e.phase().id() && p.snapshotted()) {
                        run.engine().removeTag(snapshots.tag(p));
                    }
                }
                if (e.phase() != null) {
                    // the method's record of the failed phase (its real duration), else one of ours
                    results.add(e.recorded().orElseGet(() -> new PhaseResult(e.phase(), PhaseResult.Status.FAILED, Duration.ZERO, null, null)));
                }
                return new StepsOutcome(results, commandTimes.timings(), contextSent.total(), finalImage, false,
                        failures.stepFailure(e));
            } catch (RuntimeException e) {
                // a commit only happens at the end of a segment and BuildKit cancels a build whose client is gone, so
                // when the engine went away nothing of this segment was tagged but what the method says it kept
                throw failures.methodFailure(e, e instanceof EngineLostException lost && lost.phase() != null ? lost.phase() : last,
                        e instanceof EngineLostException lost && lost.kept() != null ? lost.kept() : from);
            }
            for (Phase p : segment) {
                if (p.snapshotted()) {
                    snapshots.forget(p);
                    from = snapshots.tag(p);
                    finalImage = from;
                }
            }
        }
        return new StepsOutcome(results, commandTimes.timings(), contextSent.total(), finalImage, false, null);
    }

    private static Map<String, String> buildArgs(ExternalInputs external, HabitatConfig config) {
        Map<String, String> args = new LinkedHashMap<>(config.base().buildArgs());
        args.putAll(external.machine().buildArgs()); // read by the machine step only, at the end of 12-final
        for (int i = 0; i < config.repos().size(); i++) {
            int index = i;
            external.repoRevision(i).ifPresent(rev -> args.put(Planner.repoRevisionArg(index), rev));
        }
        return args;
    }
}
