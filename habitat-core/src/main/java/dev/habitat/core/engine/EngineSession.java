package dev.habitat.core.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A BuildKit session open on an engine ({@link Engine#openSession}): name it in a build request with {@link #id()};
 * it serves that build's context and secrets until {@link #close()}.
 */
public interface EngineSession extends AutoCloseable {
    /** The session's id, the build request's {@code session}. */
    String id();

    /** What the engine pulled through FileSync so far. */
    ContextTransfer transferred();

    /** Ends the session; never throws. */
    @Override
    void close();

    /**
     * The stable shared key of a habitat's sessions whose context is staged in {@code contextDirectory}: it names the
     * engine's cache of earlier transfers, so the engine asks only for what changed since the habitat's last build.
     */
    static String sharedKey(String habitat, Path contextDirectory) {
        byte[] digest = SyncedDir.sha256().digest((habitat + "\0" + contextDirectory.toAbsolutePath().normalize()).getBytes(StandardCharsets.UTF_8));
        return "habitat-" + HexFormat.of().formatHex(digest, 0, 16);
    }
}
