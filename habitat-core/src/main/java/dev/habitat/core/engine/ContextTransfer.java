package dev.habitat.core.engine;

import java.util.Locale;

/**
 * How a build's context reached the engine, and how much of it was sent.
 *
 * @param bytes     bytes put on the wire for the context: the fsutil packets (listing and file chunks) through
 *                  the session, or the tar body
 * @param files     files whose content was sent
 * @param fileBytes bytes of file content among them
 * @param listed    entries listed to the engine (every path it compared with what it kept)
 */
public record ContextTransfer(Route route, long bytes, long files, long fileBytes, long listed) {
    /** The two ways a context reaches the engine. */
    public enum Route {
        /** FileSync through the build's BuildKit session: only what the engine lacks is sent. */
        SESSION,
        /** A tar body on {@code POST /build}: everything, every time (engines without sessions). */
        TAR
    }

    public static final ContextTransfer NONE = new ContextTransfer(Route.SESSION, 0, 0, 0, 0);

    public ContextTransfer plus(ContextTransfer other) {
        return new ContextTransfer(other.route == Route.TAR ? Route.TAR : route, bytes + other.bytes, files + other.files,
                fileBytes + other.fileBytes, listed + other.listed);
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s: %d bytes sent (%d files, %d bytes of content; %d paths listed)",
                route == Route.SESSION ? "through the BuildKit session" : "as a tar body", bytes, files, fileBytes, listed);
    }
}
