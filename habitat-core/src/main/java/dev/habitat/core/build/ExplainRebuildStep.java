package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.snapshot.Snapshots;
import java.util.Optional;

/** Says why the build starts where it does: rebuild asked for, the first stale phase, and the snapshot it resumes from. */
final class ExplainRebuildStep {
    private final BuildRun run;
    private final Snapshots snapshots;

    ExplainRebuildStep(BuildRun run, Snapshots snapshots) {
        this.run = run;
        this.snapshots = snapshots;
    }

    void call(ResumePoint point) {
        BuildOptions options = run.options();
        BuildProgress progress = run.progress();
        Phase start = point.start();
        Phase target = options.target();
        if (options.rebuildAll()) {
            progress.info("habitat: rebuilding every phase (habitat.rebuild)");
        } else if (options.rebuildFrom() != null && options.rebuildFrom() == start) {
            progress.info("habitat: rebuilding from " + start.tagSuffix() + " (habitat.rebuildFrom)");
        } else {
            Optional<Phase> changed = snapshots.firstChanged(start, target);
            if (changed.isEmpty()) {
                progress.info("habitat: nothing changed; " + PhaseRanges.list(start, target) + (start == target
                        ? " has no snapshot of its own and runs" : " have no snapshot of their own and run")
                        + " in every build that ends at " + target.tagSuffix());
            } else {
                Phase c = changed.get();
                progress.info("habitat: first stale phase is " + c.tagSuffix() + ": " + snapshots.whyStale(c)
                        + (c == start ? "" : " (" + PhaseRanges.list(start, c.previous()) + " run again before it)"));
            }
        }
        String method = run.method().name();
        point.resume().ifPresent(r -> progress.info("habitat: resuming from snapshot " + snapshots.tag(r)));
        point.resume().filter(r -> !method.equals(snapshots.image(r).map(i -> i.labels().get(SnapshotLabels.LABEL_METHOD)).orElse(method)))
                .ifPresent(r -> progress.info("habitat: " + snapshots.tag(r) + " was made by the "
                        + snapshots.image(r).get().labels().get(SnapshotLabels.LABEL_METHOD) + " method; its hashes match, so this "
                        + method + " build starts from it instead of rebuilding the phases before it"));
    }
}
