package dev.habitat.core.config;

import dev.habitat.core.Phase;
import dev.habitat.core.Spelling;
import dev.habitat.core.config.YamlNode.ListNode;
import dev.habitat.core.config.YamlNode.MapNode;
import dev.habitat.core.config.YamlNode.Scalar;
import dev.habitat.core.config.YamlNode.ScalarKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads a habitat: {@code <root>/system/config.yaml} and {@code <root>/shared/config.yaml} when present, then
 * the habitat's own file. Env merges by key; files, scripts, verify-fs, tests and volumes of every layer
 * apply, in layer order (the original applied only the habitat's: BUG-3). Every error of every file is
 * collected and reported together, each with file, line, column, key path and a fix.
 */
public final class ConfigLoader {
    static final Set<String> TOP_KEYS = new LinkedHashSet<>(List.of("name", "description", "base_image", "image",
            "env", "files", "volumes", "repos", "tools", "scripts", "verify-fs", "tests", "entry", "timeout",
            "network", "build_method", "registry", "base_users", "container", "claude"));
    private static final Set<String> FILE_KEYS = Set.of("src", "dest", "mode", "owner", "description", "before", "after");
    private static final Set<String> SCRIPT_KEYS = Set.of("run_as", "commands", "before", "after", "description", "secrets");
    private static final Set<String> REPO_KEYS = Set.of("url", "path", "branch", "shallow", "access", "owner", "auth");
    /** Secret ids: safe as BuildKit secret ids and as file names under /run/secrets. */
    static final java.util.regex.Pattern SECRET_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> IMAGE_KEYS = Set.of("dockerfile", "base", "tag", "build_args");
    private static final Set<String> ENTRY_KEYS = Set.of("command", "tty", "bypass_habitat_construction",
            "init_command", "startup_delay");
    private static final Set<String> VERIFY_KEYS = Set.of("required_files");

    /** Docker's repository component grammar, lower case, so that {@code habitat-<name>} is a valid tag. */
    private static final Pattern IMAGE_NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** User and group names as useradd accepts them, or numeric ids. */
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*\\$?|[0-9]+");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");
    private static final Pattern OCTAL_MODE = Pattern.compile("(?:0o?)?([0-7]{3,4})");

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

        Assembly a = new Assembly(absRoot, habitatFile, problems);
        for (Map.Entry<Layer, MapNode> d : docs.entrySet()) {
            a.checkKeys(d.getValue(), "", TOP_KEYS);
            a.collectEnv(d.getKey(), d.getValue());
        }
        a.applyBuildArgs(buildArgs);
        a.resolveEnv();
        for (Map.Entry<Layer, MapNode> d : docs.entrySet()) {
            a.readLayer(d.getKey(), d.getValue(), files.get(d.getKey()).getParent());
        }
        a.checkOwnersAreUsers();
        a.checkTestsReachTheImage();
        if (problems.stream().anyMatch(ConfigProblem::isError)) {
            throw new ConfigException(problems);
        }
        return a.build(layerDirs);
    }

    /** Accumulates one habitat's layers. */
    private final class Assembly {
        final Path root;
        final Path habitatFile;
        final List<ConfigProblem> problems;
        final List<EnvResolver.Definition> envDefinitions = new ArrayList<>();
        Map<String, String> env = Map.of();
        String name;
        String description;
        BaseImage base;
        String tools;
        EntrySpec entry = EntrySpec.defaults();
        Timeouts timeouts = Timeouts.none();
        String network;
        String buildMethod;
        String registry;
        final List<FileSpec> fileSpecs = new ArrayList<>();
        final List<VolumeSpec> volumes = new ArrayList<>();
        final List<RepoSpec> repos = new ArrayList<>();
        final List<ScriptSpec> scripts = new ArrayList<>();
        /** Users the base image brings (base_users), which an owner may name besides the config's own. */
        final Set<String> baseUsers = new LinkedHashSet<>();
        /** Each owner given (files, repos), checked once every layer is read: the users it may name are known then. */
        final List<OwnerUse> owners = new ArrayList<>();

        record OwnerUse(String user, Scalar at, String path) {}

        /** An owner must be root, USER, a run_as user (the users phase creates them) or one of base_users. */
        void checkOwnersAreUsers() {
            Set<String> users = new LinkedHashSet<>();
            users.add(env.getOrDefault("USER", "root"));
            scripts.forEach(sc -> users.add(sc.runAs()));
            users.add("root");
            Set<String> allowed = new LinkedHashSet<>(users);
            allowed.addAll(baseUsers);
            for (OwnerUse o : owners) {
                if (!allowed.contains(o.user())) {
                    String near = Spelling.nearest(o.user(), allowed, 2).map(n -> "did you mean '" + n + "'? ").orElse("");
                    error(o.at(), o.path(), "'" + o.user() + "' is not a user of this habitat (" + String.join(", ", users) + ")",
                            near + "a user the base image brings, or a script creates, goes in base_users: [" + o.user() + "]");
                }
            }
        }
        final List<VerifySpec> verify = new ArrayList<>();
        final List<TestSpec> tests = new ArrayList<>();

        Assembly(Path root, Path habitatFile, List<ConfigProblem> problems) {
            this.root = root;
            this.habitatFile = habitatFile;
            this.problems = problems;
        }

        void error(YamlNode at, String path, String message, String fix) {
            problems.add(ConfigProblem.error(at.location(), path, message, fix));
        }

        void checkKeys(MapNode map, String prefix, Set<String> known) {
            for (YamlNode.Entry e : map.entries().values()) {
                if (!known.contains(e.key())) {
                    String path = prefix.isEmpty() ? e.key() : prefix + "." + e.key();
                    String hint = "debug".equals(e.key()) && prefix.isEmpty()
                            ? "'debug' was only planned in the original tool and does nothing: remove it"
                            : Suggestions.forUnknownKey(e.key(), known);
                    if (Suggestions.nearMiss(e.key(), known).isPresent() && !hint.contains("was renamed")) {
                        // a typo of a known key would silently drop its section: that is an error
                        problems.add(ConfigProblem.error(e.keyLocation(), path, "unknown key", hint));
                    } else {
                        problems.add(ConfigProblem.warning(e.keyLocation(), path, "unknown key, ignored", hint));
                    }
                }
            }
        }

        // ---- env -------------------------------------------------------------------------------------

        void collectEnv(Layer layer, MapNode doc) {
            YamlNode node = doc.get("env");
            if (node == null || isNull(node)) {
                if (layer == Layer.HABITAT) {
                    error(doc, "env", "missing required section 'env'",
                            "add an env list, e.g.\n  env:\n    - USER=node\n    - WORKDIR=/workspace");
                }
                return;
            }
            if (!(node instanceof ListNode list)) {
                error(node, "env", "must be a list of KEY=value strings, not " + node.describe(),
                        "write it as\n  env:\n    - USER=node\n    - WORKDIR=/workspace");
                return;
            }
            Set<String> ownKeys = new LinkedHashSet<>();
            for (int i = 0; i < list.items().size(); i++) {
                YamlNode item = list.items().get(i);
                String path = "env[" + i + "]";
                if (!(item instanceof Scalar s) || s.isNull() || s.kind() != ScalarKind.STRING && s.kind() != ScalarKind.INTEGER) {
                    error(item, path, "must be a KEY=value string, not " + item.describe(), "quote it: - \"KEY=value\"");
                    continue;
                }
                String text = s.text();
                int eq = text.indexOf('=');
                if (eq <= 0) {
                    error(item, path, "'" + text + "' has no KEY=value form", "write it as KEY=value");
                    continue;
                }
                String key = text.substring(0, eq);
                String value = text.substring(eq + 1);
                if (!ENV_KEY.matcher(key).matches()) {
                    error(item, path, "'" + key + "' is not a valid variable name",
                            "use letters, digits and underscores, not starting with a digit");
                    continue;
                }
                if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                    error(item, path, "the value of " + key + " contains a line break or NUL, which an image ENV cannot hold",
                            "keep env values on one line (write multi-line content to a file with 'files')");
                    continue;
                }
                ownKeys.add(key);
                envDefinitions.add(new EnvResolver.Definition(key, value, layer, item.location(), path));
            }
            if (layer == Layer.HABITAT) {
                if (!ownKeys.contains("USER")) {
                    error(node, "env", "missing required variable USER in the habitat's own env",
                            "add '- USER=<user the habitat runs as>', e.g. - USER=node");
                }
                if (!ownKeys.contains("WORKDIR")) {
                    error(node, "env", "missing required variable WORKDIR in the habitat's own env",
                            "add '- WORKDIR=/workspace' (an absolute path)");
                }
            }
        }

        void applyBuildArgs(Map<String, String> buildArgs) {
            Set<String> defined = new TreeSet<>();
            envDefinitions.forEach(d -> defined.add(d.key()));
            for (Map.Entry<String, String> arg : new TreeMap<>(buildArgs).entrySet()) {
                String key = arg.getKey();
                String value = arg.getValue() == null ? "" : arg.getValue();
                Location at = Location.ofFile(Path.of(BUILD_ARG_PREFIX + key));
                if (!defined.contains(key)) {
                    String near = Spelling.nearest(key, defined, 2).map(n -> "did you mean " + n + "? ").orElse("");
                    problems.add(ConfigProblem.error(at, "", "the habitat's env has no variable " + key + " to override",
                            near + "a build arg overrides one of the env's variables: " + String.join(", ", defined)));
                } else if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                    problems.add(ConfigProblem.error(at, "", "the value of " + key + " contains a line break or NUL, which an image "
                            + "ENV cannot hold", "give a one-line value"));
                } else {
                    envDefinitions.add(new EnvResolver.Definition(key, value, Layer.HABITAT, at, "value"));
                }
            }
        }

        void resolveEnv() {
            try {
                env = new EnvResolver(envDefinitions).resolve();
            } catch (ConfigException e) {
                problems.addAll(e.problems());
                env = new LinkedHashMap<>();
            }
            EnvResolver.Definition userDef = lastHabitat("USER");
            String user = env.get("USER");
            if (userDef != null && user != null) {
                if (user.isBlank()) {
                    problems.add(ConfigProblem.error(userDef.location(), userDef.keyPath(), "USER must not be empty",
                            "set it to the user the habitat runs as, e.g. USER=node"));
                } else if (!ACCOUNT.matcher(user).matches()) {
                    problems.add(ConfigProblem.error(userDef.location(), userDef.keyPath(), "USER '" + user
                            + "' is not a valid user name", "use lower-case letters, digits, '_' and '-'"));
                }
            }
            EnvResolver.Definition wdDef = lastHabitat("WORKDIR");
            String wd = env.get("WORKDIR");
            if (wdDef != null && wd != null) {
                if (wd.isBlank()) {
                    problems.add(ConfigProblem.error(wdDef.location(), wdDef.keyPath(), "WORKDIR must not be empty",
                            "set it to an absolute path, e.g. WORKDIR=/workspace"));
                } else {
                    checkAbsolutePath(wd, wdDef.location(), wdDef.keyPath(), "WORKDIR");
                }
            }
        }

        private EnvResolver.Definition lastHabitat(String key) {
            EnvResolver.Definition found = null;
            for (EnvResolver.Definition d : envDefinitions) {
                if (d.key().equals(key) && d.layer() == Layer.HABITAT) {
                    found = d;
                }
            }
            return found;
        }

        // ---- sections ------------------------------------------------------------------------------

        void readLayer(Layer layer, MapNode doc, Path dir) {
            boolean habitat = layer == Layer.HABITAT;
            if (habitat) {
                Scalar n = string(doc, "name", "name");
                if (n == null) {
                    if (doc.get("name") == null) {
                        error(doc, "name", "missing required key 'name'",
                                "add e.g. 'name: my-habitat' (lower case letters, digits, '.', '_' and '-')");
                    }
                } else {
                    name = expand(n.text());
                    if (!IMAGE_NAME.matcher(name).matches() || name.length() > 120) {
                        error(n, "name", "'" + name + "' cannot name a Docker image (snapshots are tagged habitat-<name>)",
                                "use lower case letters, digits and single '.', '_' or '-' between them, e.g. "
                                        + suggestName(name));
                    }
                }
                Scalar d = string(doc, "description", "description");
                description = d == null ? null : expand(d.text());
                readBase(doc, dir);
                readEntry(doc);
                readTimeouts(doc);
                Scalar net = string(doc, "network", "network");
                if (net != null) {
                    network = expand(net.text());
                    if (!Set.of("default", "host", "none", "bridge").contains(network)) {
                        error(net, "network", "unknown network mode '" + network + "'", "use one of: default, host, none, bridge");
                    }
                }
                Scalar bm = string(doc, "build_method", "build_method");
                if (bm != null) {
                    buildMethod = expand(bm.text());
                    if (!Set.of("auto", "buildkit", "docker-exec").contains(buildMethod)) {
                        error(bm, "build_method", "unknown build method '" + buildMethod + "'", "use auto, buildkit or docker-exec");
                    }
                }
                YamlNode t = doc.get("tools");
                tools = t == null || isNull(t) ? null : canonical(t);
            } else {
                for (String key : List.of("name", "base_image", "image", "repos", "entry", "timeout", "tools")) {
                    YamlNode.Entry e = doc.entries().get(key);
                    if (e != null) {
                        problems.add(ConfigProblem.warning(e.keyLocation(), key, "'" + key + "' in the " + layer.label()
                                + " layer is ignored: it applies per habitat", "move it to the habitat's config.yaml"));
                    }
                }
            }
            if (habitat) {
                readRepos(doc);
            }
            readRegistry(doc);
            readFiles(layer, doc, dir);
            readVolumes(layer, doc);
            readScripts(layer, doc);
            readVerify(layer, doc);
            readTests(layer, doc, dir);
            readBaseUsers(doc);
        }

        /** {@code registry}: in any layer (a team sets it once in shared/), a later layer's wins. */
        void readRegistry(MapNode doc) {
            Scalar reg = string(doc, "registry", "registry");
            if (reg != null) {
                try {
                    registry = dev.habitat.core.registry.ImageReference.parse(expand(reg.text()), false).name();
                } catch (IllegalArgumentException e) {
                    error(reg, "registry", e.getMessage(), "write a repository prefix such as registry: 127.0.0.1:5000/team");
                }
            }
        }

        void readBase(MapNode doc, Path dir) {
            Scalar baseImage = string(doc, "base_image", "base_image");
            YamlNode imageNode = doc.get("image");
            Path habitatDockerfile = dir.resolve("Dockerfile");
            if (Files.isRegularFile(habitatDockerfile)) {
                base = new BaseImage(null, habitatDockerfile, Map.of());
                return;
            }
            if (baseImage != null) {
                String ref = expand(baseImage.text()).trim();
                if (ref.isEmpty() || ref.chars().anyMatch(c -> c <= ' ')) {
                    error(baseImage, "base_image", "'" + ref + "' is not an image reference", "use e.g. debian:bookworm");
                } else {
                    base = new BaseImage(ref, null, Map.of());
                }
                return;
            }
            if (imageNode instanceof MapNode img) {
                checkKeys(img, "image", IMAGE_KEYS);
                Scalar df = string(img, "dockerfile", "image.dockerfile");
                Scalar b = string(img, "base", "image.base");
                Map<String, String> args = new LinkedHashMap<>();
                YamlNode argsNode = img.get("build_args");
                if (argsNode instanceof MapNode am) {
                    for (YamlNode.Entry e : am.entries().values()) {
                        if (e.value() instanceof Scalar s && !s.isNull()) {
                            args.put(e.key(), expand(s.text()));
                        } else {
                            error(e.value(), "image.build_args." + e.key(), "must be a plain value", "write KEY: value");
                        }
                    }
                } else if (argsNode != null && !isNull(argsNode)) {
                    error(argsNode, "image.build_args", "must be a map of build arguments", "write build_args:\n    KEY: value");
                }
                if (df != null) {
                    Path p = resolveHostPath(expand(df.text()), root, root);
                    if (!Files.isRegularFile(p)) {
                        error(df, "image.dockerfile", "Dockerfile not found at " + p, "image.dockerfile is relative to the root " + root);
                    } else {
                        base = new BaseImage(null, p, args);
                    }
                } else if (b != null) {
                    base = new BaseImage(expand(b.text()).trim(), null, args);
                } else {
                    error(img, "image", "image section must specify either dockerfile or base",
                            "add 'base: <image>' or 'dockerfile: <path>'");
                }
                return;
            }
            if (imageNode != null && !isNull(imageNode)) {
                error(imageNode, "image", "must be a map with 'base' or 'dockerfile', not " + imageNode.describe(),
                        "write image:\n    base: debian:bookworm");
                return;
            }
            error(doc, "base_image", "no base image: set 'base_image', 'image', or put a Dockerfile beside config.yaml",
                    "add e.g. 'base_image: debian:bookworm'");
        }

        void readEntry(MapNode doc) {
            YamlNode node = doc.get("entry");
            if (node == null || isNull(node)) {
                return;
            }
            if (!(node instanceof MapNode m)) {
                error(node, "entry", "entry section must be a map, not " + node.describe(), "write entry:\n    command: bash");
                return;
            }
            checkKeys(m, "entry", ENTRY_KEYS);
            Scalar cmd = string(m, "command", "entry.command");
            Boolean tty = bool(m, "tty", "entry.tty");
            Boolean bypass = bool(m, "bypass_habitat_construction", "entry.bypass_habitat_construction");
            Double delay = null;
            YamlNode d = m.get("startup_delay");
            if (d != null && !isNull(d)) {
                if (d instanceof Scalar s && (s.kind() == ScalarKind.INTEGER || s.kind() == ScalarKind.FLOAT)
                        && Double.parseDouble(s.text()) >= 0) {
                    delay = Double.parseDouble(s.text());
                } else {
                    error(d, "entry.startup_delay", "must be a non-negative number", "write e.g. startup_delay: 2");
                }
            }
            YamlNode init = m.get("init_command");
            entry = new EntrySpec(cmd == null ? null : expand(cmd.text()), tty == null || tty, bypass != null && bypass,
                    init == null || isNull(init) ? null : canonical(init), delay);
        }

        void readTimeouts(MapNode doc) {
            YamlNode node = doc.get("timeout");
            if (node == null || isNull(node)) {
                return;
            }
            if (!(node instanceof MapNode m)) {
                error(node, "timeout", "must be a map of durations", "write timeout:\n    per-phase: 10m\n    scripts: 30m");
                return;
            }
            Duration perPhase = null;
            Map<String, Duration> byPhase = new TreeMap<>();
            for (YamlNode.Entry e : m.entries().values()) {
                String path = "timeout." + e.key();
                Duration dur = duration(e.value(), path);
                if (e.key().equals("per-phase")) {
                    if (dur != null) {
                        perPhase = dur;
                    }
                } else if (Phase.parse(e.key()).isPresent()) {
                    if (dur != null) {
                        byPhase.put(Phase.parse(e.key()).get().phaseName(), dur);
                    }
                } else {
                    problems.add(ConfigProblem.error(e.keyLocation(), path, "'" + e.key() + "' is not a phase name",
                            Phase.didYouMean(e.key()).map(n -> "did you mean " + n + "? ").orElse("")
                                    + "use 'per-phase' or one of: " + String.join(", ", Phase.names())));
                }
            }
            timeouts = new Timeouts(perPhase, byPhase);
        }

        Duration duration(YamlNode node, String path) {
            if (node instanceof Scalar s && !s.isNull() && (s.kind() == ScalarKind.INTEGER || s.kind() == ScalarKind.STRING)) {
                Matcher mm = DURATION.matcher(s.text().trim());
                if (mm.matches()) {
                    double n = Double.parseDouble(mm.group(1));
                    String unit = mm.group(2) == null ? "ms" : mm.group(2);
                    double ms = n * switch (unit) {
                        case "ms" -> 1;
                        case "s" -> 1000;
                        case "m" -> 60_000;
                        case "h" -> 3_600_000;
                        default -> 86_400_000;
                    };
                    if ((long) ms > 0 && (mm.group(2) != null || mm.group(1).indexOf('.') < 0)) {
                        return Duration.ofMillis((long) ms);
                    }
                }
            }
            error(node, path, "'" + text(node) + "' is not a duration", "write a positive duration such as 90s, 10m or 1.5h");
            return null;
        }

        void readFiles(Layer layer, MapNode doc, Path dir) {
            ListNode list = list(doc, "files");
            if (list == null) {
                return;
            }
            for (int i = 0; i < list.items().size(); i++) {
                String path = "files[" + i + "]";
                if (!(list.items().get(i) instanceof MapNode m)) {
                    error(list.items().get(i), path, "must be a map with src and dest, not " + list.items().get(i).describe(),
                            "write - src: ./path\n      dest: /absolute/path");
                    continue;
                }
                checkKeys(m, path, FILE_KEYS);
                Scalar src = required(m, "src", path, "the host file or directory to copy, e.g. src: ./conf/app.conf");
                Scalar dest = required(m, "dest", path, "the absolute path in the image, e.g. dest: /etc/app.conf");
                Scalar owner = string(m, "owner", path + ".owner");
                Scalar descr = string(m, "description", path + ".description");
                String before = hook(m, "before", path);
                String after = hook(m, "after", path);
                Integer mode = mode(m.get("mode"), path + ".mode");
                String ownerText = owner == null ? null : expand(owner.text());
                if (ownerText != null) {
                    checkOwner(ownerText, owner, path + ".owner");
                }
                if (src == null || dest == null) {
                    continue;
                }
                String srcText = expand(src.text());
                Path source = resolveHostPath(srcText, root, dir);
                if (!Files.exists(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    error(src, path + ".src", "source not found: " + source,
                            "create it, or fix the path ('./' is relative to the root " + root + ", '~/' to your home, "
                                    + "other relative paths to " + dir + ")");
                    continue;
                }
                if (!srcText.startsWith("/") && !srcText.startsWith("~")) {
                    String escape = escapesRoot(source);
                    if (escape != null) {
                        error(src, path + ".src", "'" + srcText + "' " + escape + " the habitat root " + root,
                                "keep relative sources inside the root, or write an absolute or ~/ path if you mean a file outside it");
                        continue;
                    }
                }
                String ownerUser = ownerText == null ? null : ownerText.split(":", 2)[0];
                String homeUser = ownerUser != null ? ownerUser : env.getOrDefault("USER", "root");
                String rawDest = expand(dest.text());
                String destText = expandTilde(rawDest, homeUser);
                if (!checkAbsolutePath(destText, dest.location(), path + ".dest", "dest")) {
                    continue;
                }
                fileSpecs.add(new FileSpec(srcText, source, destText, ownerText, mode,
                        descr == null ? null : expand(descr.text()), before, after, new Origin(layer, m.location(), path),
                        rawDest.equals("~") || rawDest.startsWith("~/") ? homeUser : null));
            }
        }

        void readVolumes(Layer layer, MapNode doc) {
            ListNode list = list(doc, "volumes");
            if (list == null) {
                return;
            }
            for (int i = 0; i < list.items().size(); i++) {
                String path = "volumes[" + i + "]";
                YamlNode item = list.items().get(i);
                if (!(item instanceof Scalar s) || s.kind() != ScalarKind.STRING) {
                    error(item, path, "must be a \"host:container[:options]\" string", "write - /host/path:/container/path");
                    continue;
                }
                String v = expand(s.text());
                String[] parts = v.split(":", -1);
                if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    error(item, path, "'" + v + "' is not host:container[:options]", "write - /var/run/docker.sock:/var/run/docker.sock");
                    continue;
                }
                String host = parts[0].startsWith("~") ? userHome + parts[0].substring(1) : parts[0];
                String container = expandTilde(parts[1], env.getOrDefault("USER", "root"));
                if (!checkAbsolutePath(container, s.location(), path, "the container side")) {
                    continue;
                }
                volumes.add(new VolumeSpec(host, container, parts.length == 3 ? parts[2] : null, new Origin(layer, s.location(), path)));
            }
        }

        void readRepos(MapNode doc) {
            YamlNode node = doc.get("repos");
            if (node == null || isNull(node)) {
                return;
            }
            if (!(node instanceof ListNode list)) {
                error(node, "repos", "repos must be a list, not " + node.describe(), "write repos:\n    - url: ...\n      path: /workspace/x");
                return;
            }
            Map<String, String> seenPaths = new LinkedHashMap<>();
            for (int i = 0; i < list.items().size(); i++) {
                String path = "repos[" + i + "]";
                if (!(list.items().get(i) instanceof MapNode m)) {
                    error(list.items().get(i), path, "must be a map with url and path", "write - url: https://...\n      path: /workspace/x");
                    continue;
                }
                checkKeys(m, path, REPO_KEYS);
                Scalar url = required(m, "url", path, "the repository to clone, e.g. url: https://host/org/repo.git");
                Scalar p = required(m, "path", path, "the absolute path to clone into, e.g. path: /workspace/repo");
                Scalar branch = string(m, "branch", path + ".branch");
                Boolean shallow = bool(m, "shallow", path + ".shallow");
                Scalar access = string(m, "access", path + ".access");
                Scalar owner = string(m, "owner", path + ".owner");
                Scalar auth = string(m, "auth", path + ".auth");
                if (auth != null && !SECRET_ID.matcher(auth.text()).matches()) {
                    error(auth, path + ".auth", "'" + auth.text() + "' is not a secret id",
                            "name the secret with letters, digits, '_' and '-' (e.g. auth: git-token), as in settings.xml <server><id>");
                }
                if (access != null && !Set.of("read", "write").contains(access.text())) {
                    error(access, path + ".access", "must be read or write", "write access: read");
                }
                String ownerText = owner == null ? null : expand(owner.text());
                if (ownerText != null) {
                    checkOwner(ownerText, owner, path + ".owner");
                }
                String branchText = branch == null ? null : expand(branch.text());
                if (branchText != null && !validBranch(branchText)) {
                    error(branch, path + ".branch", "'" + branchText + "' is not a valid branch name",
                            "use a git branch name (no spaces, no leading '-', no '..')");
                }
                if (url == null || p == null) {
                    continue;
                }
                String urlText = expand(url.text());
                if (urlText.startsWith("-") || urlText.chars().anyMatch(c -> c <= ' ')) {
                    error(url, path + ".url", "'" + urlText + "' is not a repository URL", "use e.g. https://host/org/repo.git");
                    continue;
                }
                String pathText = expandTilde(expand(p.text()), env.getOrDefault("USER", "root"));
                if (!checkAbsolutePath(pathText, p.location(), path + ".path", "repos path")) {
                    continue;
                }
                String normalized = Path.of(pathText).normalize().toString();
                if (seenPaths.containsKey(normalized)) {
                    error(p, path + ".path", "path " + normalized + " is also the path of " + seenPaths.get(normalized),
                            "give every repository its own path");
                    continue;
                }
                seenPaths.put(normalized, path);
                repos.add(new RepoSpec(urlText, pathText, branchText, shallow == null || shallow,
                        access == null ? null : access.text(), ownerText, auth == null ? null : auth.text(),
                        new Origin(Layer.HABITAT, m.location(), path)));
            }
        }

        void readScripts(Layer layer, MapNode doc) {
            ListNode list = list(doc, "scripts");
            if (list == null) {
                return;
            }
            for (int i = 0; i < list.items().size(); i++) {
                String path = "scripts[" + i + "]";
                if (!(list.items().get(i) instanceof MapNode m)) {
                    error(list.items().get(i), path, "must be a map with commands", "write - run_as: root\n      commands:\n        - echo hi");
                    continue;
                }
                checkKeys(m, path, SCRIPT_KEYS);
                Scalar runAs = string(m, "run_as", path + ".run_as");
                String before = hook(m, "before", path);
                String after = hook(m, "after", path);
                String user = runAs == null ? env.getOrDefault("USER", "root") : expand(runAs.text());
                if (runAs != null && !ACCOUNT.matcher(user).matches()) {
                    error(runAs, path + ".run_as", "'" + user + "' is not a valid user name", "use e.g. run_as: root");
                }
                YamlNode cmds = m.get("commands");
                List<String> commands = new ArrayList<>();
                if (cmds == null || isNull(cmds)) {
                    error(m, path + ".commands", "missing 'commands'", "add commands:\n        - <shell command>");
                    continue;
                } else if (cmds instanceof Scalar s && s.kind() == ScalarKind.STRING) {
                    commands.add(expand(s.text()));
                } else if (cmds instanceof ListNode cl) {
                    for (int j = 0; j < cl.items().size(); j++) {
                        YamlNode c = cl.items().get(j);
                        if (c instanceof Scalar s && !s.isNull() && s.kind() != ScalarKind.BOOLEAN) {
                            if (!s.text().isBlank()) {
                                commands.add(expand(s.text()));
                            }
                        } else {
                            error(c, path + ".commands[" + j + "]", "must be a shell command string, not " + c.describe(),
                                    "write the command as a string (use '|' for multi-line blocks)");
                        }
                    }
                } else {
                    error(cmds, path + ".commands", "must be a list of shell commands, not " + cmds.describe(),
                            "write commands:\n        - <shell command>");
                    continue;
                }
                scripts.add(new ScriptSpec(user, commands, before, after, secretIds(m, path + ".secrets"), new Origin(layer, m.location(), path)));
            }
        }

        /** A script's {@code secrets: [id, ...]}: ids of secrets mounted for that script only. */
        List<String> secretIds(MapNode m, String path) {
            YamlNode node = m.get("secrets");
            List<String> ids = new ArrayList<>();
            if (node == null || isNull(node)) {
                return ids;
            }
            List<YamlNode> items = node instanceof ListNode l ? l.items() : List.of(node);
            for (int j = 0; j < items.size(); j++) {
                YamlNode item = items.get(j);
                if (item instanceof Scalar sc && !sc.isNull() && SECRET_ID.matcher(sc.text()).matches()) {
                    if (!ids.contains(sc.text())) {
                        ids.add(sc.text());
                    }
                } else {
                    error(item, path + (node instanceof ListNode ? "[" + j + "]" : ""), item instanceof Scalar sc
                                    ? "'" + sc.text() + "' is not a secret id" : "must be a secret id, not " + item.describe(),
                            "list secret ids made of letters, digits, '_' and '-', e.g. secrets: [npm-token]");
                }
            }
            return ids;
        }

        void readVerify(Layer layer, MapNode doc) {
            YamlNode node = doc.get("verify-fs");
            if (node == null || isNull(node)) {
                return;
            }
            if (!(node instanceof MapNode m)) {
                error(node, "verify-fs", "must be a map with required_files", "write verify-fs:\n    required_files:\n      - /path");
                return;
            }
            checkKeys(m, "verify-fs", VERIFY_KEYS);
            ListNode list = list(m, "required_files", "verify-fs.required_files");
            if (list == null) {
                return;
            }
            pathList(layer, list, "verify-fs.required_files", "must be a path string", "write - /path/that/must/exist",
                    (p, origin) -> verify.add(new VerifySpec(p, origin)));
        }

        void readTests(Layer layer, MapNode doc, Path dir) {
            ListNode list = list(doc, "tests");
            if (list == null) {
                return;
            }
            pathList(layer, list, "tests", "must be the path of a test script", "write - tests/check.sh", (p, origin) -> {
                // a relative test path names a file of the layer's directory (copied with it): it must exist
                if (dir != null && !p.startsWith("/") && !Files.exists(dir.resolve(p))) {
                    problems.add(ConfigProblem.error(origin.location(), origin.keyPath(), "test script not found: " + dir.resolve(p),
                            "create it, or give its path relative to " + dir));
                }
                tests.add(new TestSpec(p, origin));
            });
        }

        /**
         * A relative test path is run from its layer's directory in the image, which is there only when the layer's
         * *_PATH variable places it (and entry.bypass_habitat_construction does not skip the copy).
         */
        void checkTestsReachTheImage() {
            for (TestSpec t : tests) {
                if (t.path().startsWith("/")) {
                    continue;
                }
                Layer layer = t.origin().layer();
                String variable = layer.pathVariable();
                String target = env.get(variable);
                if (entry.bypassHabitatConstruction()) {
                    problems.add(ConfigProblem.error(t.origin().location(), t.origin().keyPath(), "'" + t.path()
                            + "' is not in the image: entry.bypass_habitat_construction skips copying its directory",
                            "give the test's path in the image (absolute), or copy it with files"));
                } else if (target == null || !target.startsWith("/")) {
                    problems.add(ConfigProblem.error(t.origin().location(), t.origin().keyPath(), "'" + t.path()
                            + "' reaches the image only with its directory, and " + variable + " does not place it",
                            "define " + variable + " in env, e.g. - " + variable + "=" + layer.examplePath()));
                }
            }
        }

        /** A list of one-line path strings, each expanded and handed over with its origin. */
        void pathList(Layer layer, ListNode list, String key, String shape, String fix,
                      java.util.function.BiConsumer<String, Origin> sink) {
            for (int i = 0; i < list.items().size(); i++) {
                String path = key + "[" + i + "]";
                YamlNode item = list.items().get(i);
                if (!(item instanceof Scalar s) || s.kind() != ScalarKind.STRING || s.text().isBlank()) {
                    error(item, path, shape, fix);
                    continue;
                }
                String p = expand(s.text());
                if (p.chars().anyMatch(c -> c < ' ')) {
                    error(item, path, "contains a control character", "write the path on one line");
                    continue;
                }
                sink.accept(p, new Origin(layer, s.location(), path));
            }
        }

        HabitatConfig build(Map<Layer, Path> layerDirs) {
            List<ConfigProblem> warnings = problems.stream().filter(p -> !p.isError()).toList();
            return new HabitatConfig(name, description, base, env, fileSpecs, volumes, repos, tools, scripts, verify,
                    tests, entry, timeouts, network, buildMethod, registry, root, habitatFile.getParent(), habitatFile, layerDirs,
                    warnings);
        }

        // ---- helpers -------------------------------------------------------------------------------

        String expand(String s) {
            return EnvResolver.expand(s, env);
        }

        String hook(MapNode m, String key, String path) {
            Scalar s = string(m, key, path + "." + key);
            if (s == null) {
                return null;
            }
            String v = s.text().trim();
            Optional<Phase> phase = Phase.parse(v);
            if (phase.isPresent()) {
                return phase.get().phaseName();
            }
            String hint = "setup".equals(v) ? "use one of: " + String.join(", ", Phase.names()) + " ('setup' was renamed to 'scripts')"
                    : Phase.didYouMean(v).map(n -> "did you mean " + key + ": " + n + "? Phases: " + String.join(", ", Phase.names()))
                            .orElse("use one of: " + String.join(", ", Phase.names()));
            error(s, path + "." + key, "'" + v + "' is not a phase", hint);
            return null;
        }

        Integer mode(YamlNode node, String path) {
            if (node == null || isNull(node)) {
                return null;
            }
            if (node instanceof Scalar s && (s.kind() == ScalarKind.INTEGER || s.kind() == ScalarKind.STRING)) {
                Matcher mm = OCTAL_MODE.matcher(s.text().trim());
                if (mm.matches()) {
                    return Integer.parseInt(mm.group(1), 8);
                }
            }
            error(node, path, "'" + text(node) + "' is not an octal file mode", "write e.g. mode: \"0644\" or mode: 755");
            return null;
        }

        void checkOwner(String owner, Scalar at, String path) {
            String[] parts = owner.split(":", -1);
            if (parts.length > 2 || !ACCOUNT.matcher(parts[0]).matches()
                    || parts.length == 2 && !ACCOUNT.matcher(parts[1]).matches()) {
                error(at, path, "'" + owner + "' is not a user or user:group", "write e.g. owner: node or owner: node:staff");
            } else {
                owners.add(new OwnerUse(parts[0], at, path));
            }
        }

        /** base_users: names of users the base image brings, for owners (a list of account names). */
        void readBaseUsers(MapNode doc) {
            ListNode list = list(doc, "base_users");
            if (list == null) {
                return;
            }
            for (int i = 0; i < list.items().size(); i++) {
                YamlNode item = list.items().get(i);
                if (item instanceof Scalar sc && ACCOUNT.matcher(sc.text().trim()).matches()) {
                    baseUsers.add(sc.text().trim());
                } else {
                    error(item, "base_users[" + i + "]", "must be a user name", "write e.g. base_users: [node, postgres]");
                }
            }
        }

        boolean checkAbsolutePath(String p, Location at, String path, String what) {
            List<String> unresolved = EnvResolver.unresolvedNames(p);
            if (!unresolved.isEmpty()) {
                problems.add(ConfigProblem.error(at, path, what + " '" + p + "' refers to undefined variable "
                        + unresolved.get(0), "define " + unresolved.get(0) + " in env, or write the path out"));
                return false;
            }
            if (p.chars().anyMatch(c -> c < ' ' || c == 127)) {
                problems.add(ConfigProblem.error(at, path, what + " contains a control character (such as a line break)",
                        "write the path on one line"));
                return false;
            }
            if (!p.startsWith("/")) {
                problems.add(ConfigProblem.error(at, path, what + " must be an absolute path, got '" + p + "'",
                        "start it with '/', e.g. /workspace/" + p.replaceFirst("^\\./", "")));
                return false;
            }
            return true;
        }

        /** Why a relative source lies outside the root ("leaves ... through '..'", "links out of"), or null. */
        String escapesRoot(Path source) {
            if (!source.normalize().startsWith(root)) {
                return "leaves (through '..')";
            }
            try {
                Path real = source.toRealPath();
                if (!real.startsWith(root.toRealPath())) {
                    return "links (through a symlink to " + real + ") out of";
                }
                // a directory may hold symlinks that point out: they are copied as links, never followed
            } catch (java.io.IOException e) {
                return null; // a dangling link: reported as not found elsewhere, or copied as a link
            }
            return null;
        }

        Path resolveHostPath(String p, Path root, Path declaringDir) {
            if (p.equals("~")) {
                return userHome;
            }
            if (p.startsWith("~/")) {
                return userHome.resolve(p.substring(2)).normalize();
            }
            if (p.startsWith("./") || p.equals(".")) {
                return root.resolve(p).normalize();
            }
            return declaringDir.resolve(p).normalize();
        }

        Scalar required(MapNode m, String key, String path, String fix) {
            YamlNode n = m.get(key);
            if (n == null || isNull(n)) {
                error(m, path + "." + key, "missing required '" + key + "'", "add " + fix);
                return null;
            }
            return string(m, key, path + "." + key);
        }

        Scalar string(MapNode m, String key, String path) {
            YamlNode n = m.get(key);
            if (n == null || isNull(n)) {
                return null;
            }
            if (n instanceof Scalar s && s.kind() != ScalarKind.BOOLEAN) {
                return s;
            }
            error(n, path, "must be a string, not " + n.describe(), n instanceof Scalar
                    ? "quote the value: " + key + ": \"" + text(n) + "\"" : "write a single value: " + key + ": <text>");
            return null;
        }

        Boolean bool(MapNode m, String key, String path) {
            YamlNode n = m.get(key);
            if (n == null || isNull(n)) {
                return null;
            }
            if (n instanceof Scalar s && s.kind() == ScalarKind.BOOLEAN) {
                return Boolean.parseBoolean(s.text());
            }
            error(n, path, "must be a boolean (true or false), not " + n.describe() + " '" + text(n) + "'",
                    "write " + key + ": true or " + key + ": false");
            return null;
        }

        ListNode list(MapNode doc, String key) {
            return list(doc, key, key);
        }

        ListNode list(MapNode doc, String key, String path) {
            YamlNode n = doc.get(key);
            if (n == null || isNull(n)) {
                return null;
            }
            if (n instanceof ListNode l) {
                return l;
            }
            error(n, path, "must be a list, not " + n.describe(), "write each entry on its own line starting with '- '");
            return null;
        }

        String expandTilde(String p, String user) {
            if (p.equals("~")) {
                return HabitatConfig.homeOf(user);
            }
            if (p.startsWith("~/")) {
                return HabitatConfig.homeOf(user) + p.substring(1);
            }
            return p;
        }
    }

    static boolean isNull(YamlNode n) {
        return n instanceof Scalar s && s.isNull();
    }

    static String text(YamlNode n) {
        return n instanceof Scalar s ? String.valueOf(s.text()) : n.describe();
    }

    static boolean validBranch(String b) {
        return !b.isEmpty() && !b.startsWith("-") && !b.contains("..") && !b.endsWith(".lock") && !b.endsWith("/")
                && b.chars().noneMatch(c -> c <= ' ' || c == 127 || "~^:?*[\\".indexOf(c) >= 0);
    }

    private static String suggestName(String name) {
        String s = name.toLowerCase().replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[._-]+|[._-]+$", "");
        return s.isEmpty() ? "my-habitat" : s;
    }

    static String jsonString(String text) {
        return "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** A stable text form of an arbitrary YAML value (for hashing sections like {@code tools}). */
    static String canonical(YamlNode n) {
        if (n instanceof Scalar s) {
            return s.isNull() ? "null" : jsonString(s.text());
        }
        if (n instanceof ListNode l) {
            return l.items().stream().map(ConfigLoader::canonical).collect(Collectors.joining(",", "[", "]"));
        }
        MapNode m = (MapNode) n;
        return m.entries().values().stream()
                .map(e -> canonical(new Scalar(e.key(), ScalarKind.STRING, e.keyLocation())) + ":" + canonical(e.value()))
                .collect(Collectors.joining(",", "{", "}"));
    }
}
