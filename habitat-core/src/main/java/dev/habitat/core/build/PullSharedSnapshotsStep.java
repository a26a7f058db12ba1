package dev.habitat.core.build;

import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Snapshots;

/** Pulls from the registry the valid snapshots newer than the local resume point, up to the resume limit. */
final class PullSharedSnapshotsStep {
    private final BuildOptions options;
    private final SharedSnapshots shared;
    private final Snapshots snapshots;

    PullSharedSnapshotsStep(BuildOptions options, SharedSnapshots shared, Snapshots snapshots) {
        this.options = options;
        this.shared = shared;
        this.snapshots = snapshots;
    }

    ResumePoint call(ResumePoint local) {
        if (shared == null || options.rebuildAll() || local.limit() == null || local.resume().orElse(null) == local.limit()) {
            return local;
        }
        SharedSnapshots.Pulled fromRegistry = shared.pullNewer(local.limit(), local.resume(), snapshots);
        return fromRegistry.newest().isEmpty() ? local : new ResumePoint(fromRegistry.newest(), fromRegistry.phases(), local.limit());
    }
}
