package dev.habitat.core.method;

import dev.habitat.core.Platform;
import dev.habitat.core.Phase;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.secrets.Secrets;
import dev.habitat.core.snapshot.Snapshots;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One unit of work for a build method: the phases from one snapshot to the next (verify and test travel
 * with final), starting from {@code fromImage} (null: the base), ending in {@code tag} (null: no snapshot).
 * {@code secrets} are the values its steps may read (a session serves them to BuildKit); {@code contextSent} adds up
 * the context its requests send; {@code platform} is the one to build for, or null for the engine's own.
 */
public record SegmentJob(StageGraph graph, Map<Phase, PhaseHash> hashes, BuildContext context, Set<Phase> phases,
                         String fromImage, String tag, Map<String, String> buildArgs, String network, boolean noCache,
                         Path outputDirectory, Secrets secrets, ContextTally contextSent, Platform platform) {

    /** For the engine's own platform. */
    public SegmentJob(StageGraph graph, Map<Phase, PhaseHash> hashes, BuildContext context, Set<Phase> phases, String fromImage,
                      String tag, Map<String, String> buildArgs, String network, boolean noCache, Path outputDirectory,
                      Secrets secrets, ContextTally contextSent) {
        this(graph, hashes, context, phases, fromImage, tag, buildArgs, network, noCache, outputDirectory, secrets, contextSent, null);
    }

    /** The snapshot tag of a phase ({@code habitat-<name>:<id>-<phase>}), as {@link Snapshots#tag} names it. */
    public String tagOf(Phase phase) {
        return graph.config().snapshotTag(phase);
    }

    public Phase last() {
        return lastOf(phases);
    }

    /** The last phase of a segment (its phases are in phase order). */
    public static Phase lastOf(Set<Phase> phases) {
        Phase last = null;
        for (Phase p : phases) {
            last = p;
        }
        return last;
    }
}
