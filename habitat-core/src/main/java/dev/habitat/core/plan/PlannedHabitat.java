package dev.habitat.core.plan;

import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.config.ConfigLoader;
import dev.habitat.core.config.HabitatConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/** A loaded config with its stage graph and phase hashes: what every goal starts from. */
public record PlannedHabitat(HabitatConfig config, StageGraph graph, Map<Phase, PhaseHash> hashes) {

    /**
     * Loads, validates, plans and hashes a habitat. No daemon is needed.
     *
     * @param outputDirectory never copied into a habitat (it may sit inside the habitat's directory)
     */
    public static PlannedHabitat load(ConfigLoader loader, Path root, Path configFile, Path outputDirectory,
                                      ExternalInputs external) {
        return load(loader, root, configFile, Map.of(), outputDirectory, external);
    }

    /** As {@link #load(ConfigLoader, Path, Path, Path, ExternalInputs)}, with build args overriding env variables. */
    public static PlannedHabitat load(ConfigLoader loader, Path root, Path configFile, Map<String, String> buildArgs,
                                      Path outputDirectory, ExternalInputs external) {
        return planned(loader.load(root, configFile, buildArgs), outputDirectory, Objects.requireNonNull(external, "external"));
    }

    /** {@code config} planned, and hashed with {@code external} unless it is null (then {@link #hashes()} is empty). */
    private static PlannedHabitat planned(HabitatConfig config, Path outputDirectory, ExternalInputs external) {
        StageGraph graph = new Planner().plan(config);
        return new PlannedHabitat(config, graph, external == null ? Map.of() : new PhaseHasher(outputDirectory).hash(graph, external));
    }

    /**
     * The habitat planned and hashed for each of its listed platforms (snapshot tags naming the platform, the platform
     * in the hashes), in the order listed; itself alone when it lists none.
     */
    public List<PlannedHabitat> perPlatform(Path outputDirectory, ExternalInputs external) {
        if (config.platforms().isEmpty()) {
            return List.of(this);
        }
        List<PlannedHabitat> out = new ArrayList<>();
        for (Platform p : config.platforms()) {
            out.add(planned(config.forPlatform(p), outputDirectory, external.forPlatform(p, external.baseImageId())));
        }
        return out;
    }

    /** This habitat with {@code platforms} replacing its config's ({@code -Dhabitat.platforms}), planned (and hashed, if it was) again. */
    public PlannedHabitat withPlatforms(List<Platform> platforms, Path outputDirectory, ExternalInputs external) {
        // an unhashed habitat (a goal that hashes it itself, under its lock) stays unhashed
        return planned(config.withPlatforms(platforms), outputDirectory, hashes.isEmpty() ? null : external);
    }

    /**
     * Loads, validates and plans a habitat without hashing it: {@link #hashes()} is empty. For a goal that hashes
     * the habitat itself later, with its external inputs (habitat:build hashes under the build lock, after
     * reading the remote heads), so the copied trees are not read twice.
     */
    public static PlannedHabitat unhashed(ConfigLoader loader, Path root, Path configFile, Map<String, String> buildArgs) {
        return planned(loader.load(root, configFile, buildArgs), null, null);
    }

    /**
     * Plans the same habitat again with more env overrides over {@code buildArgs} (loaded and checked, not
     * hashed): how {@link dev.habitat.core.render.BuildArgDockerfile} finds where a value lands.
     */
    public static Function<Map<String, String>, StageGraph> replanning(ConfigLoader loader, Path root, Path configFile,
                                                                       Map<String, String> buildArgs) {
        return overrides -> {
            Map<String, String> args = new TreeMap<>(buildArgs);
            args.putAll(overrides);
            return new Planner().plan(loader.load(root, configFile, args));
        };
    }
}
