package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.snapshot.Snapshots;
import java.util.Optional;
import java.util.Set;

/** Finds the newest valid local snapshot to resume from; rebuildFrom resumes before that phase, never after it. */
final class FindResumePointStep {
    private final BuildOptions options;
    private final Snapshots snapshots;

    FindResumePointStep(BuildOptions options, Snapshots snapshots) {
        this.options = options;
        this.snapshots = snapshots;
    }

    ResumePoint call() {
        Phase limit = options.rebuildFrom() == null ? options.target() : options.rebuildFrom().previous();
        Optional<Phase> resume = options.rebuildAll() || limit == null ? Optional.empty() : snapshots.newestValid(limit);
        return new ResumePoint(resume, Set.of(), limit);
    }
}
