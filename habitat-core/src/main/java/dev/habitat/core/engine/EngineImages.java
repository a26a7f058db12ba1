package dev.habitat.core.engine;

import dev.habitat.core.Platform;
import java.util.List;
import java.util.Optional;

/**
 * The engine's images: inspect, identify by content, tag, untag, list, pull and push. All the orchestration of a build
 * asks of an engine (with its {@link EngineStatus}); containers and builds are the build methods' ({@link Engine}).
 */
public interface EngineImages extends EngineStatus, ImageTransfer {
    /** The image's identity by content (see {@link ImageContent}), the same in every image store; empty when absent. */
    Optional<String> contentIdentity(String ref);

    /** As {@link #contentIdentity(String)}, of the image's variant for {@code platform}; empty when the engine cannot tell. */
    Optional<String> contentIdentity(String ref, Platform platform);

    /** Every tag of a repository ({@code habitat-x:1-base}, ...), sorted, in the short form the plugin tags with. */
    List<String> tagsOf(String repository);
}
