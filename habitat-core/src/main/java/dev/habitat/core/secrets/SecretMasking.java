package dev.habitat.core.secrets;

import dev.habitat.core.HabitatException;
import dev.habitat.core.engine.EngineUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;

/**
 * Copies of failures whose messages (or their causes' messages) hold a secret value, with every message masked
 * and every stack trace kept: whatever type a failure has, Maven prints it (and with {@code -e} its causes),
 * so none may carry a secret.
 */
public final class SecretMasking {
    private SecretMasking() {
    }

    /** {@code e} itself when no message in its chain changes under {@code mask}, else a masked copy of the same kind. */
    public static RuntimeException masked(RuntimeException e, UnaryOperator<String> mask) {
        if (!needsMasking(e, mask)) {
            return e;
        }
        Throwable cause = e.getCause() == null || e.getCause() == e ? null : maskedCause(e.getCause(), mask);
        String message = e.getMessage() == null ? null : mask.apply(e.getMessage());
        RuntimeException copy;
        if (e instanceof EngineUnavailableException) {
            copy = new EngineUnavailableException(message, cause);
        } else if (e instanceof HabitatException h) {
            copy = new HabitatException(h.kind(), message, cause);
        } else if (e instanceof UncheckedIOException) {
            copy = new UncheckedIOException(message, cause instanceof IOException io ? io : new IOException(message, cause));
        } else if (e instanceof IllegalArgumentException) {
            copy = new IllegalArgumentException(message, cause);
        } else {
            copy = new IllegalStateException(message, cause);
        }
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    private static boolean needsMasking(Throwable e, UnaryOperator<String> mask) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().equals(mask.apply(t.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    /** A cause as a plain exception naming its original type, message masked, stack kept. */
    private static Throwable maskedCause(Throwable t, UnaryOperator<String> mask) {
        Throwable inner = t.getCause() == null || t.getCause() == t ? null : maskedCause(t.getCause(), mask);
        String text = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + mask.apply(t.getMessage()));
        Throwable copy = t instanceof IOException ? new IOException(text, inner) : new RuntimeException(text, inner);
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }
}
