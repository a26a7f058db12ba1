package dev.habitat.core.config;

import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A habitat config after loading, layering (system, shared, habitat), env resolution and validation.
 * Every string has been expanded against the final env. Immutable.
 *
 * @param root        the root that {@code ./} paths and the {@code system/} and {@code shared/} layers hang off
 * @param habitatDir  the directory of the habitat's config.yaml (copied to LOCAL_PATH)
 * @param layerDirs   the directories of the layers that exist, in layer order
 * @param tools       the {@code tools} section as canonical text (it feeds the tools phase hash only)
 * @param platforms   the platforms to build for ({@code platforms}, a later layer's wins); empty: the engine's own
 * @param platform    the one of {@code platforms} this config is planned for ({@link #forPlatform}), named in its
 *                    snapshot tags; null when no platforms are listed (the engine's own, tags as they always were)
 * @param caches      the package caches setup scripts mount (never in a phase hash nor an image), in the order named
 */
public record HabitatConfig(
        String name,
        String description,
        BaseImage base,
        Map<String, String> env,
        List<FileSpec> files,
        List<VolumeSpec> volumes,
        List<RepoSpec> repos,
        String tools,
        List<ScriptSpec> scripts,
        List<VerifySpec> verifyFs,
        List<TestSpec> tests,
        EntrySpec entry,
        Timeouts timeouts,
        String network,
        String buildMethod,
        String registry,
        List<Platform> platforms,
        Platform platform,
        List<CacheSpec> caches,
        Path root,
        Path habitatDir,
        Path configFile,
        Map<Layer, Path> layerDirs,
        List<ConfigProblem> warnings) {

    public HabitatConfig {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        files = List.copyOf(files);
        volumes = List.copyOf(volumes);
        repos = List.copyOf(repos);
        scripts = List.copyOf(scripts);
        verifyFs = List.copyOf(verifyFs);
        tests = List.copyOf(tests);
        caches = List.copyOf(caches);
        platforms = List.copyOf(platforms);
        Map<Layer, Path> dirs = new EnumMap<>(Layer.class);
        dirs.putAll(layerDirs);
        layerDirs = Collections.unmodifiableMap(dirs);
        warnings = List.copyOf(warnings);
    }

    public String user() {
        return env.getOrDefault("USER", "root");
    }

    public String workdir() {
        return env.getOrDefault("WORKDIR", "/workspace");
    }

    /** The home of a user inside the image: users the habitat creates get {@code /home/<user>}. */
    public static String homeOf(String user) {
        return "root".equals(user) ? "/root" : "/home/" + user;
    }

    /** The image repository of the snapshots: {@code habitat-<name>}. */
    public String imageRepository() {
        return "habitat-" + name;
    }

    /**
     * The snapshot tag of a phase: {@code habitat-<name>:<id>-<phase>}, and {@code habitat-<name>:<id>-<phase>-<os>-<arch>}
     * for a config planned for one of its listed platforms ({@code habitat-x:9-scripts-linux-arm64}).
     */
    public String snapshotTag(Phase phase) {
        return imageRepository() + ":" + phase.tagSuffix() + (platform == null ? "" : "-" + platform.tagPart());
    }

    /** This config with {@code platforms} replaced ({@code -Dhabitat.platforms} wins over the key); not yet planned for one. */
    public HabitatConfig withPlatforms(List<Platform> list) {
        return new HabitatConfig(name, description, base, env, files, volumes, repos, tools, scripts, verifyFs, tests, entry,
                timeouts, network, buildMethod, registry, list, null, caches, root, habitatDir, configFile, layerDirs, warnings);
    }

    /** This config planned for one of its listed platforms: its snapshot tags name it. */
    public HabitatConfig forPlatform(Platform p) {
        if (!platforms.contains(p)) {
            throw new IllegalArgumentException(p + " is not one of the habitat's platforms " + platforms);
        }
        return new HabitatConfig(name, description, base, env, files, volumes, repos, tools, scripts, verifyFs, tests, entry,
                timeouts, network, buildMethod, registry, platforms, p, caches, root, habitatDir, configFile, layerDirs, warnings);
    }
}
