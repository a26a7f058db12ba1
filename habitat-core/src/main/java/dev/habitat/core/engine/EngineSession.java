package dev.habitat.core.engine;

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
}
