package dev.habitat.core.engine;

import dev.habitat.core.Platform;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Build containers, for the docker-exec method: an image's runtime config, create, exec, copy in, commit, remove. */
public interface EngineContainers {
    /** The image's runtime config (env, user, workdir, entrypoint, cmd); empty when absent. */
    Optional<ImageConfig> imageConfig(String ref);

    /**
     * Creates and starts a container that only waits, for the docker-exec method: root, the given binds
     * ({@code host:container[:opts]}, named volumes too), tmpfs mounts and the network mode, for {@code platform} (null:
     * the engine's own); returns its id.
     */
    String startIdleContainer(String image, String name, List<String> binds, List<String> tmpfs, String network, Platform platform);

    /** Runs a command in a container and returns its exit code; output lines go to {@code output}. */
    int exec(String container, String user, String workdir, List<String> env, List<String> argv, Consumer<String> output);

    /** Extracts a tar into a container at {@code path}, keeping the modes of its entries. */
    void putArchive(String container, String path, byte[] tar);

    /**
     * Commits a container as {@code repository:tag}, applying Dockerfile-style {@code changes} (ENV, LABEL, USER,
     * WORKDIR, ENTRYPOINT, CMD); returns the image id ({@code sha256:...}). A null {@code repository} leaves it untagged.
     */
    String commit(String container, String repository, String tag, List<String> changes);

    /** Removes a container, running or not; a missing one is not an error. */
    void removeContainer(String id);

    /** Ids of containers (running or not) whose name matches {@code name} exactly. */
    List<String> containersNamed(Pattern name);
}
