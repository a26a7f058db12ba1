package dev.habitat.core.report;

import dev.habitat.core.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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

    /** The timed commands of one stage of a phase (of every stage when {@code stage} is null), in the order they ran. */
    static List<CommandTiming> of(List<CommandTiming> all, Phase phase, String stage) {
        return all.stream().filter(c -> c.phase() == phase && (stage == null || c.stage().equals(stage))).toList();
    }

    /** {@code scripts[1] command 2}. */
    public String label() {
        return script + " command " + command;
    }
}
