package dev.habitat.core.plan;

import java.util.Optional;

/**
 * A line a build step prints for the user whatever the log level (a clone that had to fall back to a full clone):
 * step output is shown only when verbose, so such lines carry {@link #PREFIX} and the log picks them out.
 *
 * @param text the notice without its prefix
 */
public record StepNotice(String text) {
    public static final String PREFIX = "habitat: note: ";

    /** The notice a line of step output carries, if it is one. */
    public static Optional<StepNotice> of(String line) {
        String l = line.strip();
        return l.startsWith(PREFIX) ? Optional.of(new StepNotice(l.substring(PREFIX.length()))) : Optional.empty();
    }
}
