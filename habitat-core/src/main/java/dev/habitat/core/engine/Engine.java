package dev.habitat.core.engine;

import java.util.function.Consumer;

/**
 * A container engine as the builds use it, through its API: what a habitat build, snapshot bookkeeping and
 * migration ask of Docker or Podman, in roles: its status ({@link EngineStatus}), images ({@link EngineImages}, all the
 * orchestration asks), containers ({@link EngineContainers}, the docker-exec method's) and BuildKit builds
 * ({@link EngineBuilds}, the BuildKit method's). {@code DockerEngine} talks to a real engine; the unit tests put a fake
 * behind it.
 */
public interface Engine extends EngineImages, EngineContainers, EngineBuilds, AutoCloseable {
    /**
     * Runs {@code action} on a connection of its own to the same engine: for shutdown hooks, which may run while the
     * build thread closes this engine's connections. Best effort.
     */
    void withOwnConnection(Consumer<Engine> action);

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
