package dev.habitat.core.secrets;

import dev.habitat.core.Phase;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.ForwardingProgress;

/** Passes progress on with every secret value masked: step output may echo a token, the log must not. */
public final class MaskingProgress extends ForwardingProgress {
    private final Secrets secrets;

    public MaskingProgress(BuildProgress target, Secrets secrets) {
        super(target);
        this.secrets = secrets;
    }

    @Override
    public void info(String message) {
        target.info(secrets.mask(message));
    }

    @Override
    public void warn(String message) {
        target.warn(secrets.mask(message));
    }

    @Override
    public void output(Phase phase, String stage, String line) {
        target.output(phase, stage, secrets.mask(line));
    }

    @Override
    public void debug(String message) {
        target.debug(secrets.mask(message));
    }
}
