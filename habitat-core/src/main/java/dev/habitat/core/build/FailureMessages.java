package dev.habitat.core.build;

import dev.habitat.core.engine.EngineStatus;
import dev.habitat.core.HabitatException;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.Engine;
import dev.habitat.core.engine.EngineHints;
import dev.habitat.core.engine.EngineUnavailableException;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.EngineLostException;
import java.util.Optional;

/** The one place a build's failures become the user's messages: what failed, where, and the way out. */
final class FailureMessages {
    private final EngineStatus engine;

    FailureMessages(EngineStatus engine) {
        this.engine = engine;
    }

    /** A failed step, with the way out of a known engine difference when its words name one. */
    BuildFailedException stepFailure(BuildFailedException e) {
        return EngineHints.forFailure(e.getMessage(), engine.info()).map(e::withWayOut).orElse(e);
    }

    /**
     * A build method's failure other than a failed step, as the user gets it: the habitat's own (config, parameters) and
     * an unavailable engine as they are; while the engine still answers, {@link #engineFailure}; when it went away, that
     * it was lost while building {@code building}, and the newest snapshot {@code kept} (null: none).
     */
    RuntimeException methodFailure(RuntimeException e, Phase building, String kept) {
        if (e instanceof EngineUnavailableException || e instanceof HabitatException h && h.kind() == HabitatException.Kind.HABITAT) {
            return e;
        }
        if (engine.responds()) {
            return engineFailure(e, building);
        }
        return new EngineUnavailableException("habitat: lost the Docker engine at " + engine.host() + " while building "
                + building.tagSuffix() + " (" + Engine.rootCause(e) + "). "
                + (kept == null ? "No snapshot was kept" : "Snapshots up to " + kept + " are kept")
                + " and nothing later was tagged: start the engine again (or restore the connection) and run the "
                + "build again to resume.", e);
    }

    /**
     * A request that failed while the engine still answers, as one message: the phase, the engine and its own words,
     * and the way out (a known engine difference's, else where to look). Never the client library's exception.
     */
    private HabitatException engineFailure(RuntimeException e, Phase building) {
        Throwable failed = e instanceof EngineLostException ? e.getCause() : e;
        // the engine's words as the engine layer worded them, else the root cause's
        String cause = failed instanceof HabitatException ? failed.getMessage() : Engine.rootCause(failed);
        Optional<String> wayOut = EngineHints.forFailure(cause, engine.info());
        String engineName = engine.ping() + " at " + engine.host();
        return HabitatException.ofEnvironment("habitat: building " + building.tagSuffix() + " failed on " + engineName + ": "
                + cause + "\n  way out: " + wayOut.orElse(e instanceof HabitatException
                ? "fix what the message names and build again; the snapshots before " + building.tagSuffix() + " are kept"
                : "the engine's log says why it refused (journalctl -u docker, or the output of 'podman system service'); "
                + "-X shows each request. Build again to resume from the snapshots before " + building.tagSuffix()), e);
    }
}
