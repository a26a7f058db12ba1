package dev.habitat.core.config;

import dev.habitat.core.config.YamlNode.MapNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a habitat: {@code <root>/system/config.yaml} and {@code <root>/shared/config.yaml} when present, then
 * the habitat's own file. Env merges by key; files, scripts, verify-fs, tests and volumes of every layer
 * apply, in layer order. Every error of every file is
 * collected and reported together, each with file, line, column, key path and a fix.
 */
public final class ConfigLoader {
    static final Set<String> TOP_KEYS = new LinkedHashSet<>(List.of("name", "description", "base_image", "image",
            "env", "files", "volumes", "repos", "tools", "scripts", "verify-fs", "tests", "entry", "timeout",
            "network", "build_method", "registry", "platforms", "caches", "base_users", "container", "claude"));

    private final YamlReader yaml = new YamlReader();
    private final Path userHome;

    /** @param userHome the host home that {@code ~/} sources resolve against */
    public ConfigLoader(Path userHome) {
        this.userHome = userHome;
    }

    /** How a build arg is named on the command line ({@code -Dhabitat.arg.USER=alice}) and in its problems. */
    public static final String BUILD_ARG_PREFIX = "habitat.arg.";

    public ConfigLoader() {
        this(Path.of(System.getProperty("user.home")));
    }

    /**
     * @param root       the habitat root ({@code system/}, {@code shared/} and {@code ./} paths hang off it)
     * @param configFile the habitat's config.yaml; relative paths resolve against {@code root}
     */
    public HabitatConfig load(Path root, Path configFile) {
        return load(root, configFile, Map.of());
    }

    /**
     * Loads with build args: each {@code NAME=value} overrides the env variable NAME that a layer defines, as a
     * definition after every layer's, so values derived from it follow and the phase hashes see it like any input.
     * A name no layer defines is an error (with the nearest name): a typo must not build something else silently.
     */
    public HabitatConfig load(Path root, Path configFile, Map<String, String> buildArgs) {
        Path absRoot = root.toAbsolutePath().normalize();
        Path habitatFile = absRoot.resolve(configFile).normalize();
        if (!Files.isRegularFile(habitatFile)) {
            throw ConfigException.single(Location.ofFile(habitatFile), "", "habitat config file not found",
                    "create it, or point -Dhabitat.config (relative to -Dhabitat.root=" + absRoot + ") at it");
        }
        Map<Layer, Path> files = new EnumMap<>(Layer.class);
        Path system = absRoot.resolve("system/config.yaml");
        Path shared = absRoot.resolve("shared/config.yaml");
        if (Files.isRegularFile(system) && !system.equals(habitatFile)) {
            files.put(Layer.SYSTEM, system);
        }
        if (Files.isRegularFile(shared) && !shared.equals(habitatFile)) {
            files.put(Layer.SHARED, shared);
        }
        files.put(Layer.HABITAT, habitatFile);

        List<ConfigProblem> problems = new ArrayList<>();
        Map<Layer, MapNode> docs = new EnumMap<>(Layer.class);
        for (Map.Entry<Layer, Path> f : files.entrySet()) {
            try {
                YamlNode doc = yaml.read(f.getValue());
                if (doc instanceof MapNode m) {
                    if (f.getKey() == Layer.HABITAT && m.entries().isEmpty()) {
                        problems.add(ConfigProblem.error(Location.ofFile(f.getValue()), "", "the config file is empty",
                                "add at least 'name' and an 'env' list with USER and WORKDIR"));
                    }
                    docs.put(f.getKey(), m);
                } else {
                    problems.add(ConfigProblem.error(doc.location(), "", "the document must be a map of keys, not "
                            + doc.describe(), "start the file with keys such as 'name:' and 'env:'"));
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (problems.stream().anyMatch(ConfigProblem::isError)) {
            throw new ConfigException(problems);
        }

        Map<Layer, Path> layerDirs = new EnumMap<>(Layer.class);
        Path habitatDir = habitatFile.getParent();
        if (Files.isDirectory(absRoot.resolve("system")) && !absRoot.resolve("system").equals(habitatDir)) {
            layerDirs.put(Layer.SYSTEM, absRoot.resolve("system"));
        }
        if (Files.isDirectory(absRoot.resolve("shared")) && !absRoot.resolve("shared").equals(habitatDir)) {
            layerDirs.put(Layer.SHARED, absRoot.resolve("shared"));
        }
        layerDirs.put(Layer.HABITAT, habitatDir);

        SectionContext beforeEnv = new SectionContext(absRoot, habitatFile, userHome, problems, Map.of());
        EnvSection env = new EnvSection(beforeEnv);
        for (Map.Entry<Layer, MapNode> d : docs.entrySet()) {
            beforeEnv.checkKeys(d.getValue(), "", TOP_KEYS);
            env.collectEnv(d.getKey(), d.getValue());
        }
        env.applyBuildArgs(buildArgs);
        Sections sections = Sections.over(beforeEnv.withEnv(env.resolveEnv()));
        for (Map.Entry<Layer, MapNode> d : docs.entrySet()) {
            sections.readLayer(d.getKey(), d.getValue(), files.get(d.getKey()).getParent());
        }
        sections.owners().checkOwnersAreUsers(sections.reposAndScripts().scripts());
        YamlNode entry = docs.containsKey(Layer.HABITAT) ? docs.get(Layer.HABITAT).get("entry") : null;
        YamlNode.Entry bypass = entry instanceof MapNode m ? m.entries().get("bypass_habitat_construction") : null;
        sections.content().checkTests(sections.image().entry(), bypass == null ? null : bypass.keyLocation());
        if (problems.stream().anyMatch(ConfigProblem::isError)) {
            throw new ConfigException(problems);
        }
        return sections.build(layerDirs);
    }

    /** The readers of one habitat's sections over its resolved env, which together make its config. */
    private record Sections(SectionContext ctx, ImageSections image, Owners owners, ContentSections content,
                            RepoAndScriptSections reposAndScripts, CacheSection caches) {
        static Sections over(SectionContext ctx) {
            Owners owners = new Owners(ctx);
            return new Sections(ctx, new ImageSections(ctx), owners, new ContentSections(ctx, owners),
                    new RepoAndScriptSections(ctx, owners), new CacheSection(ctx));
        }

        void readLayer(Layer layer, MapNode doc, Path dir) {
            boolean habitat = layer == Layer.HABITAT;
            if (habitat) {
                image.readHabitatKeys(doc, dir);
            } else {
                for (String key : List.of("name", "base_image", "image", "repos", "entry", "timeout", "tools")) {
                    YamlNode.Entry e = doc.entries().get(key);
                    if (e != null) {
                        ctx.problems().add(ConfigProblem.warning(e.keyLocation(), key, "'" + key + "' in the " + layer.label()
                                + " layer is ignored: it applies per habitat", "move it to the habitat's config.yaml"));
                    }
                }
            }
            if (habitat) {
                reposAndScripts.readRepos(doc);
            }
            image.readRegistry(doc);
            image.readPlatforms(doc);
            caches.readCaches(doc);
            content.readFiles(layer, doc, dir);
            content.readVolumes(layer, doc);
            reposAndScripts.readScripts(layer, doc);
            content.readVerify(layer, doc);
            content.readTests(layer, doc, dir);
            owners.readBaseUsers(doc);
        }

        HabitatConfig build(Map<Layer, Path> layerDirs) {
            List<ConfigProblem> warnings = ctx.problems().stream().filter(p -> !p.isError()).toList();
            return new HabitatConfig(image.name(), image.description(), image.base(), ctx.env(), content.files(),
                    content.volumes(), reposAndScripts.repos(), image.tools(), reposAndScripts.scripts(), content.verify(),
                    content.tests(), image.entry(), image.timeouts(), image.network(), image.buildMethod(), image.registry(),
                    image.platforms(), null, caches.caches(), ctx.root(), ctx.habitatFile().getParent(), ctx.habitatFile(), layerDirs, warnings);
        }
    }
}
