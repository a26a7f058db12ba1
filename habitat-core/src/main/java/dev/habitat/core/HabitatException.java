package dev.habitat.core;

/**
 * A failure the user can act on, saying which side must change: the habitat (its config, a parameter, one of its
 * steps) or its surroundings (the engine, a registry, the host). Its message says what went wrong and the way out.
 * The plugin turns the kind into Maven's failure or error in one place; any other exception is a defect.
 */
public class HabitatException extends RuntimeException {
    /** Which side the way out is on. */
    public enum Kind {
        /** The habitat must change: its config, a parameter, a step that failed (Maven's BUILD FAILURE). */
        HABITAT,
        /** The surroundings must change: the engine, a registry, the host (Maven's BUILD ERROR). */
        ENVIRONMENT
    }

    private final Kind kind;

    public HabitatException(Kind kind, String message) {
        this(kind, message, null);
    }

    public HabitatException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The habitat must change. */
    public static HabitatException ofHabitat(String message) {
        return new HabitatException(Kind.HABITAT, message);
    }

    /** The surroundings must change. */
    public static HabitatException ofEnvironment(String message, Throwable cause) {
        return new HabitatException(Kind.ENVIRONMENT, message, cause);
    }
}
