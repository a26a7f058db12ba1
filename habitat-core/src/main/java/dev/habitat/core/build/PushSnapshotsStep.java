package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Sharing;
import dev.habitat.core.snapshot.Snapshots;
import java.util.List;

/**
 * After a build that ended well, with push: the snapshots it made or reused go to the registry (those it pulled are
 * there already). 12-final goes as it is here, its content with this machine's step on top, under its tag of the
 * machine-independent hash. That tag is put once (a later push of the same content, from any machine, finds it there
 * and sends nothing), and whoever pulls it applies their own machine step on it ({@link ApplyMachineStepStep}).
 */
final class PushSnapshotsStep {
    private final Sharing sharing;
    private final SharedSnapshots shared;
    private final Snapshots snapshots;
    private final BuildProgress progress;

    PushSnapshotsStep(Sharing sharing, SharedSnapshots shared, Snapshots snapshots, BuildProgress progress) {
        this.sharing = sharing;
        this.shared = shared;
        this.snapshots = snapshots;
        this.progress = progress;
    }

    void call(BuildSummary summary) {
        if (!sharing.push() || shared == null) {
            return;
        }
        List<Phase> toPush = summary.phases().stream()
                .filter(r -> r.snapshot() != null && r.status() != PhaseResult.Status.PULLED && r.status() != PhaseResult.Status.FAILED)
                .map(PhaseResult::phase).toList();
        if (!toPush.isEmpty()) {
            progress.info("habitat: pushing " + toPush.size() + " snapshot(s) to " + shared.host());
            shared.push(toPush, snapshots);
        }
    }
}
