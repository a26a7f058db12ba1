package dev.habitat.core.engine;

import dev.habitat.core.HabitatException;
/** The engine answered {@code POST /session} with something other than an upgrade: it has no BuildKit sessions. */
public final class SessionRefusedException extends HabitatException {
    public SessionRefusedException(String message) {
        super(Kind.ENVIRONMENT, message);
    }
}
