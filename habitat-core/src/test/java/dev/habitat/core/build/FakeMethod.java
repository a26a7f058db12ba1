package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.method.MachineStepJob;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.plan.MachineFacts;
import dev.habitat.core.plan.Planner;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.PhaseResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A build method that "builds" a segment by tagging its snapshot in a {@link FakeEngine}, labelled as a real
 * build labels it (every phase's labels up to the snapshot's, and 12-final this machine's), and records each job it was
 * given; the machine step alone tags a relabelled copy of the 12-final it is given. It fails a
 * step of {@link #failAt}, or loses the engine at {@link #loseEngineAt}, as told.
 */
final class FakeMethod implements BuildMethod {
    private final FakeEngine engine;
    final List<SegmentJob> jobs = new ArrayList<>();
    Phase failAt;
    Phase loseEngineAt;

    private final String name;
    /** What {@link #onPulledLayers()} answers: itself unless a test sets another (a docker-exec stand-in). */
    BuildMethod forPulledLayers = this;

    FakeMethod(FakeEngine engine) {
        this(engine, "fake");
    }

    FakeMethod(FakeEngine engine, String name) {
        this.engine = engine;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public BuildMethod onPulledLayers() {
        return forPulledLayers;
    }

    /** The machine-step-only jobs the method was given. */
    final List<MachineStepJob> machineSteps = new ArrayList<>();

    /** Tags a copy of the image with this machine's labels, as the real step leaves them (its group in the label). */
    @Override
    public PhaseResult applyMachineStep(MachineStepJob job, BuildProgress progress) {
        machineSteps.add(job);
        Map<String, String> labels = new HashMap<>(engine.images.get(job.image()).labels());
        labels.put(MachineFacts.LABEL_DOCKER_GID, job.buildArgs().getOrDefault(Planner.DOCKER_GID_ARG, MachineFacts.NONE));
        labels.put(SnapshotLabels.LABEL_METHOD, name());
        String id = engine.put(job.tag(), labels);
        return new PhaseResult(Phase.FINAL, PhaseResult.Status.REGROUPED, Duration.ofMillis(5), id, job.tag());
    }

    @Override
    public List<PhaseResult> run(SegmentJob job, BuildProgress progress) {
        jobs.add(job);
        List<PhaseResult> results = new ArrayList<>();
        for (Phase p : job.phases()) {
            progress.phaseStarted(p);
            if (p == failAt) {
                progress.output(p, p.phaseName(), "habitat: command 1 failed with exit code 3");
                throw new BuildFailedException(p, p.phaseName(), "scripts[0]", "exit 3", 3, List.of("boom"), null);
            }
            if (p == loseEngineAt) {
                engine.answers = false;
                throw new IllegalStateException("the build request broke", new java.io.IOException("Connection reset by peer"));
            }
            progress.output(p, p.phaseName(), "habitat: scripts[0] command 1 took 0.250 s");
            PhaseResult r = new PhaseResult(p, PhaseResult.Status.BUILT, Duration.ofMillis(10), null, null);
            results.add(r);
            progress.phaseFinished(r);
        }
        if (job.tag() != null) {
            Map<String, String> labels = new HashMap<>();
            for (Phase q : Phase.values()) {
                if (q.id() <= job.last().id()) {
                    labels.putAll(SnapshotLabels.of(job.graph(), job.hashes().get(q)));
                }
            }
            if (job.last() == Phase.FINAL) {
                // the machine step ends 12-final's last stage
                labels.put(MachineFacts.LABEL_DOCKER_GID, job.buildArgs().getOrDefault(Planner.DOCKER_GID_ARG, MachineFacts.NONE));
            }
            labels.put(SnapshotLabels.LABEL_METHOD, name());
            String id = engine.put(job.tag(), labels);
            results.replaceAll(r -> r.phase() == job.last() ? new PhaseResult(r.phase(), r.status(), r.duration(), id, job.tag()) : r);
        }
        return results;
    }
}
