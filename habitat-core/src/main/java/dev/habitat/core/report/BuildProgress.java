package dev.habitat.core.report;

import dev.habitat.core.Phase;

/** Where a build reports what it does (the Maven log, a test recorder). Called from the build thread. */
public interface BuildProgress {
    void info(String message);

    void warn(String message);

    void phaseStarted(Phase phase);

    void phaseFinished(PhaseResult result);

    /** A line of output of a build step (scripts, clones), for verbose logs. */
    void output(Phase phase, String stage, String line);

    /** Detail worth a line at {@code -X}: how the engine is asked (the context's way to it, what was sent). */
    default void debug(String message) {
    }
}
