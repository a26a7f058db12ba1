package dev.habitat.core.build;

import dev.habitat.core.engine.EngineImages;
import dev.habitat.core.HabitatException;
import dev.habitat.core.Platform;
import java.util.List;

/** What an engine must be to build a habitat's listed platforms, asked before anything is built. */
final class Platforms {
    private Platforms() {
    }

    /**
     * Another platform than the engine's own needs the containerd image store: the classic store (overlay2) holds one
     * platform's image under a name, so the base image of a second platform would replace the first's. Podman's store
     * does the same with a name. Whether the engine's host can run the other platform's binaries (binfmt emulation) is
     * not in the engine's answers, and the engine may be remote: a build that cannot run them fails with
     * {@code exec format error}, which {@link dev.habitat.core.engine.EngineHints} turns into what to install.
     */
    static void requireBuildable(List<Platform> platforms, EngineImages engine) {
        Platform own = engine.platform();
        List<String> others = platforms.stream().filter(p -> !p.equals(own)).map(Platform::toString).toList();
        if (others.isEmpty() || engine.containerdImageStore()) {
            return;
        }
        String name = engine.info().describe() + " at " + engine.host();
        throw HabitatException.ofEnvironment("habitat: the habitat lists " + String.join(", ", others) + " besides the engine's own "
                + own + ", but " + name + " keeps images in its classic store, which holds one platform's image under a name. "
                + "Switch the engine to the containerd image store (Docker Desktop: Settings > General > 'Use containerd for "
                + "pulling and storing images'; dockerd 24 or later: \"features\": {\"containerd-snapshotter\": true} in "
                + "/etc/docker/daemon.json, then restart it), or build only " + own + " here (-Dhabitat.platforms=" + own
                + ") and let a machine of the other platform build, or pull, its own.", null);
    }
}
