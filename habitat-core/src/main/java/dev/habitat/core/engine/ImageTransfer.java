package dev.habitat.core.engine;

import dev.habitat.core.Platform;
import dev.habitat.core.registry.RegistryAuth;
import java.util.Locale;
import java.util.Optional;

/** What an engine does with images and a registry: pull, push, tag, untag, inspect. {@link Engine} extends it. */
public interface ImageTransfer {
    /** Pulls {@code ref} ({@code host/repo:tag}) with the given credentials. */
    TransferResult pull(String ref, RegistryAuth auth);

    /** As {@link #pull(String, RegistryAuth)}, of the image for {@code platform} (null: the engine's own). */
    default TransferResult pull(String ref, RegistryAuth auth, Platform platform) {
        return pull(ref, auth);
    }

    /**
     * Whether the registry has {@code ref}, asked without pulling (through the engine's {@code /distribution} endpoint,
     * or the registry's own API where the engine has no such endpoint: Podman): DONE with the manifest's digest when it
     * has, NOT_FOUND when it has not.
     */
    TransferResult inRegistry(String ref, RegistryAuth auth);

    /** Pushes the local image {@code ref} to its registry. */
    TransferResult push(String ref, RegistryAuth auth);

    /** Gives the local image {@code image} the extra name {@code ref}. */
    void tag(String image, String ref);

    /** Removes one name; the image stays while it has another. */
    void removeTag(String ref);

    Optional<ImageInfo> inspectImage(String ref);

    /**
     * How a pull or push ended, from the engine's status and stream.
     *
     * @param bytes  what the layers the engine downloaded or uploaded weigh (compressed), as its progress says
     * @param digest the manifest's digest a registry answered for a reference (DONE of {@link #inRegistry}), or null
     */
    record TransferResult(Kind kind, String message, long bytes, String digest) {
        public TransferResult(Kind kind, String message, long bytes) {
            this(kind, message, bytes, null);
        }

        public enum Kind {
            /** Done. */
            DONE,
            /** The registry has no such tag. */
            NOT_FOUND,
            /** The registry refused the credentials (or wanted some). */
            UNAUTHORIZED,
            /** The engine could not reach the registry. */
            UNREACHABLE,
            /** Anything else, with the engine's words. */
            FAILED
        }

        public static TransferResult done(long bytes) {
            return new TransferResult(Kind.DONE, null, bytes);
        }

        /** The registry has the reference, under a manifest of this digest (null when the answer did not say). */
        public static TransferResult found(String digest) {
            return new TransferResult(Kind.DONE, null, 0, digest);
        }

        /** Sorts an engine error by its words (Docker and Podman word them alike, as the registry does). */
        public static TransferResult failed(int httpStatus, String message) {
            String m = message == null ? "" : message;
            String lower = m.toLowerCase(Locale.ROOT);
            Kind kind;
            if (lower.contains("unauthorized") || lower.contains("authentication required") || lower.contains("no basic auth credentials")
                    || lower.contains("denied")) {
                kind = Kind.UNAUTHORIZED;
            } else if (httpStatus == 404 || lower.contains("manifest unknown") || lower.contains("not found: manifest")) {
                kind = Kind.NOT_FOUND;
            } else if (lower.contains("dial tcp") || lower.contains("connection refused") || lower.contains("no such host")
                    || lower.contains("i/o timeout") || lower.contains("connection reset") || lower.endsWith("eof") || lower.contains(": eof")
                    // Go's HTTP client when the registry went away under a kept-alive connection the engine reused
                    || lower.contains("server closed idle connection")
                    || lower.contains("http response to https client") || lower.contains("tls:")) {
                kind = Kind.UNREACHABLE;
            } else {
                kind = Kind.FAILED;
            }
            return new TransferResult(kind, m, 0);
        }

        public boolean ok() {
            return kind == Kind.DONE;
        }
    }
}
