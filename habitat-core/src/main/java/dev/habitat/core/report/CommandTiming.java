package dev.habitat.core.report;

import dev.habitat.core.Phase;
import java.time.Duration;
import java.time.Instant;

/**
 * How long one command of a script step took, as the step's runner measured it; {@code end} is when its
 * timing line reached the plugin, so the command is drawn as ending there inside its stage's bar.
 *
 * @param script  the script's name in the config ({@code scripts[1]}, {@code tests})
 * @param command its command's number in the script, from 1
 */
public record CommandTiming(Phase phase, String stage, String script, int command, Instant end, Duration took) {
    public Instant start() {
        return end.minus(took);
    }

    /** {@code scripts[1] command 2}. */
    public String label() {
        return script + " command " + command;
    }
}
