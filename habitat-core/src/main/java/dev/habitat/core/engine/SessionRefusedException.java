package dev.habitat.core.engine;

/** The engine answered {@code POST /session} with something other than an upgrade: it has no BuildKit sessions. */
public final class SessionRefusedException extends IllegalStateException {
    public SessionRefusedException(String message) {
        super(message);
    }
}
