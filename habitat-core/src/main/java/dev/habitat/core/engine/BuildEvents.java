package dev.habitat.core.engine;

import dev.habitat.core.engine.trace.BuildKitStatus;

/** Receives what a BuildKit build reports while it runs. */
public interface BuildEvents {
    void status(BuildKitStatus status);

    /** A plain stream line of the engine (rare with BuildKit). */
    default void stream(String text) {}
}
