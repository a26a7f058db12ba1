package dev.habitat.core.method;

import dev.habitat.core.Platform;
import dev.habitat.core.plan.StageGraph;
import java.nio.file.Path;
import java.util.Map;

/**
 * The machine step alone ({@link StageGraph#machineStep()}) on {@code image}, a 12-final whose hashes are current but
 * whose machine labels are another machine's, the result tagged {@code tag} (12-final again). No phase runs.
 *
 * @param buildArgs       this machine's facts as build arguments ({@code DOCKER_GROUP_GID})
 * @param outputDirectory where a request's temporary files go ({@code target/habitat})
 * @param platform        the platform of the image, or null for the engine's own
 */
public record MachineStepJob(StageGraph graph, String image, String tag, Map<String, String> buildArgs, String network,
                             Path outputDirectory, Platform platform) {
    public MachineStepJob {
        buildArgs = Map.copyOf(buildArgs);
    }

    /** For the engine's own platform. */
    public MachineStepJob(StageGraph graph, String image, String tag, Map<String, String> buildArgs, String network, Path outputDirectory) {
        this(graph, image, tag, buildArgs, network, outputDirectory, null);
    }
}
