package dev.habitat.core.engine;

import dev.habitat.core.Platform;

/** Which engine answers, where, and whether it still does: what every user of an engine asks first. */
public interface EngineStatus {
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

    /** The engine's own platform ({@code linux/amd64}): what it builds for when no platform is asked. */
    Platform platform();
}
