package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.snapshot.Snapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Ranges of phases the steps build, log and report. */
final class PhaseRanges {
    private PhaseRanges() {
    }

    /** {@code 10-verify and 11-test}: the phases from start to last, for a log line. */
    static String list(Phase start, Phase last) {
        return range(start, last).stream().map(Phase::tagSuffix).collect(Collectors.joining(" and "));
    }

    static Set<Phase> range(Phase start, Phase target) {
        Set<Phase> all = EnumSet.noneOf(Phase.class);
        for (Phase p : Phase.values()) {
            if (p.id() >= start.id() && p.id() <= target.id()) {
                all.add(p);
            }
        }
        return all;
    }

    /** Consecutive phases from start to target, each ending at a snapshot (verify and test join final). */
    static List<Set<Phase>> segments(Phase start, Phase target) {
        List<Set<Phase>> out = new ArrayList<>();
        Set<Phase> current = EnumSet.noneOf(Phase.class);
        for (Phase p : Phase.values()) {
            if (p.id() < start.id() || p.id() > target.id()) {
                continue;
            }
            current.add(p);
            if (p.snapshotted() || p == target) {
                out.add(current);
                current = EnumSet.noneOf(Phase.class);
            }
        }
        return out;
    }

    /**
     * Phases up to {@code last}, reported as reused from their snapshots, or as pulled when the registry gave them;
     * verify and test, which have no snapshot, as passed (12-final exists only when both passed as it was built).
     */
    static List<PhaseResult> reused(Snapshots snapshots, Phase last, Set<Phase> pulled) {
        List<PhaseResult> out = new ArrayList<>();
        for (Phase p : Phase.values()) {
            if (p.id() <= last.id()) {
                // a phase may have no snapshot of its own here (a later one pulled from a registry holds its layers)
                Optional<String> id = snapshots.image(p).map(i -> i.id());
                PhaseResult.Status status = !p.snapshotted() ? PhaseResult.Status.PASSED
                        : pulled.contains(p) ? PhaseResult.Status.PULLED : PhaseResult.Status.SNAPSHOT;
                out.add(new PhaseResult(p, status, Duration.ZERO, id.orElse(null), id.isPresent() ? snapshots.tag(p) : null));
            }
        }
        return out;
    }
}
