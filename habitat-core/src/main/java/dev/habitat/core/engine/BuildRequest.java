package dev.habitat.core.engine;

import dev.habitat.core.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One {@code POST /build?version=2} (BuildKit) request.
 *
 * @param contextTar the build context as a tar file (Dockerfile at its root), or null when the session serves it
 * @param buildId    lets the build be cancelled through {@code /build/cancel}
 * @param network    the network mode of RUN steps, or null for the engine's default
 * @param sessionId  the {@code BuildSession} that serves the build's context and secrets, or null
 * @param platform   the platform to build for ({@code platform=linux/arm64}), or null for the engine's own
 */
public record BuildRequest(Path contextTar, String target, List<String> tags, Map<String, String> buildArgs,
                           Map<String, String> labels, String network, boolean noCache, String buildId,
                           String sessionId, Platform platform) {
    public BuildRequest {
        tags = List.copyOf(tags);
        buildArgs = Map.copyOf(buildArgs);
        labels = Map.copyOf(labels);
    }

    /** For the engine's own platform. */
    public BuildRequest(Path contextTar, String target, List<String> tags, Map<String, String> buildArgs,
                        Map<String, String> labels, String network, boolean noCache, String buildId, String sessionId) {
        this(contextTar, target, tags, buildArgs, labels, network, noCache, buildId, sessionId, null);
    }
}
