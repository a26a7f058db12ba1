package dev.habitat.core.engine;

import dev.habitat.core.Platform;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A container engine as the builds use it, through its API: what a habitat build, snapshot bookkeeping and
 * migration ask of Docker or Podman. {@code DockerEngine} talks to a real engine; the orchestration's unit tests
 * put a fake behind it.
 */
public interface Engine extends ImageTransfer, AutoCloseable {
    /** Where this engine is reached and which setting named it. */
    EngineAddress address();

    /** The engine's host, for messages ({@code unix:///var/run/docker.sock}, {@code tcp://host:2376}). */
    String host();

    /** Docker or Podman, its version and whether it builds with BuildKit. */
    EngineInfo info();

    /**
     * Whether the engine keeps images in the containerd image store (Docker 24+ with the containerd snapshotter, the
     * default of Docker Desktop and of new installs since 29).
     */
    boolean containerdImageStore();

    /** The engine's version line; fails with how to start or point to an engine when none answers. */
    String ping();

    /** Whether the engine answers a ping on a fresh connection (after a request failed in the middle). */
    boolean responds();

    /** The image's identity by content (see {@link ImageContent}), the same in every image store; empty when absent. */
    Optional<String> contentIdentity(String ref);

    /** As {@link #contentIdentity(String)}, of the image's variant for {@code platform}; empty when the engine cannot tell. */
    Optional<String> contentIdentity(String ref, Platform platform);

    /** The engine's own platform ({@code linux/amd64}): what it builds for when no platform is asked. */
    Platform platform();

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

    /**
     * Runs {@code action} on a connection of its own to the same engine: for shutdown hooks, which may run while the
     * build thread closes this engine's connections. Best effort.
     */
    void withOwnConnection(Consumer<Engine> action);

    /** Every tag of a repository ({@code habitat-x:1-base}, ...), sorted, in the short form the plugin tags with. */
    List<String> tagsOf(String repository);

    /** Ids of containers (running or not) whose name matches {@code name} exactly. */
    List<String> containersNamed(Pattern name);

    /**
     * Runs one BuildKit build and streams its progress to {@code events}; a failing build's error is the
     * outcome's.
     */
    BuildOutcome build(BuildRequest request, BuildEvents events);

    /**
     * Opens a BuildKit session that serves {@code secrets} (id to value, null when unknown: the engine then gets
     * NOT_FOUND) and the directories {@code dirs} by name, for builds that name its {@link EngineSession#id()}.
     *
     * @param sharedKey names the engine's cache of earlier transfers of these directories
     * @throws SessionRefusedException when the engine has no BuildKit sessions (the caller may send a tar body)
     */
    EngineSession openSession(String name, String sharedKey, Function<String, byte[]> secrets, Map<String, SyncedDir> dirs);

    /** Asks the engine to stop a running build (Ctrl-C, a failing Maven build). Best effort. */
    void cancelBuild(String buildId);

    @Override
    void close();

    /** The innermost cause's message: what actually went wrong below the client library. */
    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
