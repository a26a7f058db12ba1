package dev.habitat.core.engine;

import dev.habitat.core.HabitatException;

/**
 * The engine answered a request with an error status: the request reached it and it said no. The message names
 * the engine, what was asked and the engine's own words, so no client library's exception reaches the user; the
 * build adds the phase and what to do.
 */
public final class EngineRefusedException extends HabitatException {
    private final int status;
    private final String detail;

    public EngineRefusedException(String engine, String what, int status, String detail, Throwable cause) {
        super(Kind.ENVIRONMENT, engine + " refused to " + what + " (HTTP " + status + (detail == null || detail.isBlank() ? "" : ": "
                + detail.trim()) + ")", cause);
        this.status = status;
        this.detail = detail;
    }

    /** The engine's own words (its JSON answer's {@code message}, else the body). */
    public String detail() {
        return detail;
    }

    /** The HTTP status the engine answered. */
    public int status() {
        return status;
    }
}
