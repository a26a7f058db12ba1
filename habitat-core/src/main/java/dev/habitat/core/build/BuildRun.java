package dev.habitat.core.build;

import dev.habitat.core.engine.EngineImages;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.report.BuildProgress;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What every step of one platform's build is given: the engine, the method asked for, the planned habitat, the options,
 * where progress goes (masked when the build has secrets) and when the build started.
 */
record BuildRun(EngineImages engine, BuildMethod method, StageGraph graph, BuildOptions options, BuildProgress progress, Instant t0) {

    HabitatConfig config() {
        return graph.config();
    }

    /** {@code target/habitat/<name>}, and {@code target/habitat/<name>/<os>-<arch>} for each listed platform. */
    Path outDir() {
        Path dir = options.outputDirectory().resolve(config().name());
        return config().platform() == null ? dir : dir.resolve(config().platform().tagPart());
    }

    /** The network of build steps: the Mojo parameter wins over the config key. */
    String network() {
        return options.network() != null ? options.network() : config().network();
    }
}
