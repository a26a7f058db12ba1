package dev.habitat.core.method.buildkit;

import dev.habitat.core.engine.BuildEvents;
import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.ContextTar;
import dev.habitat.core.engine.Engine;
import dev.habitat.core.engine.EngineSession;
import dev.habitat.core.engine.SessionRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * A build whose whole context is its Dockerfile (a relabel, the machine step): the Dockerfile goes through a BuildKit
 * session (the containerd image store cannot read a tar body context), as a tar body only where the engine refuses
 * sessions. {@code workDir} holds the session's directory key and the temporary tar.
 */
public final class DockerfileOnlyBuild {
    private DockerfileOnlyBuild() {
    }

    /**
     * Sends the request {@code request} makes of the tar body (null with a session) and the session id (null without).
     */
    public static BuildOutcome run(Engine engine, Path workDir, String sessionName, byte[] dockerfile,
                            BiFunction<Path, String, BuildRequest> request, BuildEvents events) {
        Path tar = null;
        EngineSession session = null;
        try {
            Files.createDirectories(workDir);
            try {
                session = engine.openSession(sessionName, EngineSession.sharedKey(sessionName, workDir), secret -> null,
                        BuildKitMethod.sessionDirs(workDir, List.of(), dockerfile));
            } catch (SessionRefusedException refused) {
                tar = workDir.resolve("." + sessionName + "-" + UUID.randomUUID() + ".tar");
                ContextTar.write(workDir, List.of(), Map.of("Dockerfile", dockerfile), tar);
            }
            return engine.build(request.apply(tar, session == null ? null : session.id()), events);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the request's Dockerfile in " + workDir + ": " + e.getMessage(), e);
        } finally {
            if (session != null) {
                session.close();
            }
            if (tar != null) {
                try {
                    Files.deleteIfExists(tar);
                } catch (IOException ignored) {
                    // a temp file in target/: harmless
                }
            }
        }
    }
}
