package dev.habitat.core.config;

/** The {@code entry} section: how the habitat is entered. */
public record EntrySpec(String command, boolean tty, boolean bypassHabitatConstruction, String initCommand,
                        Double startupDelay) {
    public static EntrySpec defaults() {
        return new EntrySpec(null, true, false, null, null);
    }
}
