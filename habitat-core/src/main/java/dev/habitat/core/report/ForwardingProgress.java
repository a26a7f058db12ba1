package dev.habitat.core.report;

import dev.habitat.core.Phase;

/** Passes every progress call on to {@code target}; a subclass overrides what it changes or watches. */
public abstract class ForwardingProgress implements BuildProgress {
    protected final BuildProgress target;

    protected ForwardingProgress(BuildProgress target) {
        this.target = target;
    }

    @Override
    public void info(String message) {
        target.info(message);
    }

    @Override
    public void warn(String message) {
        target.warn(message);
    }

    @Override
    public void phaseStarted(Phase phase) {
        target.phaseStarted(phase);
    }

    @Override
    public void phaseFinished(PhaseResult result) {
        target.phaseFinished(result);
    }

    @Override
    public void output(Phase phase, String stage, String line) {
        target.output(phase, stage, line);
    }

    @Override
    public void debug(String message) {
        target.debug(message);
    }
}
