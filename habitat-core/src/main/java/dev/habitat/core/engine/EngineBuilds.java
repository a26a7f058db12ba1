package dev.habitat.core.engine;

import java.util.Map;
import java.util.function.Function;

/** BuildKit builds, for the BuildKit method: a build request with its trace, the session it names, cancelling it. */
public interface EngineBuilds {
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
}
