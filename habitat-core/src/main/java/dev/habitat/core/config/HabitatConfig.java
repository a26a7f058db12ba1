package dev.habitat.core.config;

import dev.habitat.core.Phase;
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

    /** The snapshot tag of a phase: {@code habitat-<name>:<id>-<phase>}. */
    public String snapshotTag(Phase phase) {
        return imageRepository() + ":" + phase.tagSuffix();
    }
}
