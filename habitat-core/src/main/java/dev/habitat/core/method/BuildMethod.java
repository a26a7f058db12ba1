package dev.habitat.core.method;

import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.PhaseResult;
import java.util.List;

/** How a segment of the stage graph becomes a snapshot image: BuildKit, or docker exec + commit. */
public interface BuildMethod {
    /** {@code buildkit} or {@code docker-exec}, as the {@code habitat.method} label says. */
    String name();

    /**
     * Builds the segment and tags its snapshot; reports phase starts, output and ends to progress.
     *
     * @throws BuildFailedException when a step fails (after reporting the failed phase)
     */
    List<PhaseResult> run(SegmentJob job, BuildProgress progress);

    /**
     * Applies only the machine step on a 12-final made for another machine (BuildKit: one small request FROM it;
     * docker-exec: one exec and a commit) and tags the result; reports 12-final as {@link PhaseResult.Status#REGROUPED}.
     *
     * @throws BuildFailedException when the step fails (the 12-final it started from keeps its tag)
     */
    PhaseResult applyMachineStep(MachineStepJob job, BuildProgress progress);

    /**
     * Whether one job may span several snapshots (the method then tags each snapshot of the job itself);
     * otherwise every job ends at the next snapshot.
     */
    default boolean buildsSeveralSnapshotsPerJob() {
        return false;
    }

    /**
     * The method that builds on a snapshot standing on layers pulled into the containerd image store, which may hold
     * those layers unpacked but not their blobs (see {@code HabitatBuilder}): one that needs only the unpacked layers.
     */
    default BuildMethod onPulledLayers() {
        return this;
    }
}
