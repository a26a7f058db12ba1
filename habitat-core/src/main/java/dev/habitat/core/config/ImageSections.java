package dev.habitat.core.config;

import static dev.habitat.core.config.SectionContext.canonical;
import static dev.habitat.core.config.SectionContext.isNull;

import dev.habitat.core.BuildMethodName;
import dev.habitat.core.Spelling;
import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.config.YamlNode.ListNode;
import dev.habitat.core.config.YamlNode.MapNode;
import dev.habitat.core.config.YamlNode.Scalar;
import dev.habitat.core.config.YamlNode.ScalarKind;
import dev.habitat.core.registry.ImageReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads what makes and starts the habitat's image: name, description, base image, entry, timeouts, network,
 * build_method and tools (the habitat's own file only), and registry and platforms (any layer).
 */
final class ImageSections {
    private static final Set<String> IMAGE_KEYS = Set.of("dockerfile", "base", "tag", "build_args");
    private static final Set<String> ENTRY_KEYS = Set.of("command", "tty", "bypass_habitat_construction",
            "init_command", "startup_delay");
    /** Docker's repository component grammar, lower case, so that {@code habitat-<name>} is a valid tag. */
    private static final Pattern IMAGE_NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

    private final SectionContext ctx;
    private String name;
    private String description;
    private BaseImage base;
    private String tools;
    private EntrySpec entry = EntrySpec.defaults();
    private Timeouts timeouts = Timeouts.none();
    private String network;
    private String buildMethod;
    private String registry;
    private List<Platform> platforms = List.of();

    ImageSections(SectionContext ctx) {
        this.ctx = ctx;
    }

    /** The keys only the habitat's own file sets; {@code dir} is its directory (a Dockerfile there is the base). */
    void readHabitatKeys(MapNode doc, Path dir) {
        Scalar n = ctx.string(doc, "name", "name");
        if (n == null) {
            if (doc.get("name") == null) {
                ctx.error(doc, "name", "missing required key 'name'",
                        "add e.g. 'name: my-habitat' (lower case letters, digits, '.', '_' and '-')");
            }
        } else {
            name = ctx.expand(n.text());
            if (!IMAGE_NAME.matcher(name).matches() || name.length() > 120) {
                ctx.error(n, "name", "'" + name + "' cannot name a Docker image (snapshots are tagged habitat-<name>)",
                        "use lower case letters, digits and single '.', '_' or '-' between them, e.g. "
                                + suggestName(name));
            }
        }
        Scalar d = ctx.string(doc, "description", "description");
        description = d == null ? null : ctx.expand(d.text());
        readBase(doc, dir);
        readEntry(doc);
        readTimeouts(doc);
        Scalar net = ctx.string(doc, "network", "network");
        if (net != null) {
            network = ctx.expand(net.text());
            if (!Set.of("default", "host", "none", "bridge").contains(network)) {
                ctx.error(net, "network", "unknown network mode '" + network + "'", "use one of: default, host, none, bridge");
            }
        }
        Scalar bm = ctx.string(doc, "build_method", "build_method");
        if (bm != null) {
            buildMethod = ctx.expand(bm.text());
            if (BuildMethodName.of(buildMethod).isEmpty()) {
                ctx.error(bm, "build_method", "unknown build method '" + buildMethod + "'", "use " + Spelling.choices(BuildMethodName.ids()));
            }
        }
        YamlNode t = doc.get("tools");
        tools = t == null || isNull(t) ? null : canonical(t);
    }

    /** {@code registry}: in any layer (a team sets it once in shared/), a later layer's wins. */
    void readRegistry(MapNode doc) {
        Scalar reg = ctx.string(doc, "registry", "registry");
        if (reg != null) {
            try {
                registry = ImageReference.parse(ctx.expand(reg.text()), false).name();
            } catch (IllegalArgumentException e) {
                ctx.error(reg, "registry", e.getMessage(), "write a repository prefix such as registry: 127.0.0.1:5000/team");
            }
        }
    }

    /**
     * {@code platforms}: in any layer (a team sets it once in shared/), a later layer's wins. A list of
     * {@code os/architecture[/variant]} or one comma-separated string; each is checked against the platforms Docker
     * names, with the nearest one for a typo ({@code linux/aarch64} gives {@code linux/arm64}).
     */
    void readPlatforms(MapNode doc) {
        YamlNode node = doc.get("platforms");
        if (node == null || isNull(node)) {
            return;
        }
        List<Map.Entry<String, YamlNode>> items = new ArrayList<>();
        if (node instanceof ListNode l) {
            for (int i = 0; i < l.items().size(); i++) {
                YamlNode item = l.items().get(i);
                if (item instanceof Scalar s && !s.isNull() && s.kind() == ScalarKind.STRING) {
                    items.add(Map.entry(ctx.expand(s.text()), item));
                } else {
                    ctx.error(item, "platforms[" + i + "]", "must be a platform such as linux/arm64, not " + item.describe(),
                            "write each platform as os/architecture, e.g. - linux/arm64");
                }
            }
        } else if (node instanceof Scalar s && s.kind() == ScalarKind.STRING) {
            for (String part : ctx.expand(s.text()).split(",")) {
                items.add(Map.entry(part.trim(), node));
            }
        } else {
            ctx.error(node, "platforms", "must be a list of platforms, not " + node.describe(),
                    "write platforms:\n    - linux/amd64\n    - linux/arm64");
            return;
        }
        List<Platform> read = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String text = items.get(i).getKey();
            String path = node instanceof ListNode ? "platforms[" + i + "]" : "platforms";
            Optional<Platform> p = Platform.tryParse(text);
            if (p.isEmpty()) {
                ctx.error(items.get(i).getValue(), path, "'" + text + "' is not a platform", Platform.suggestion(text));
            } else if (read.contains(p.get())) {
                ctx.error(items.get(i).getValue(), path, "'" + text + "' is listed twice", "list each platform once");
            } else {
                read.add(p.get());
            }
        }
        platforms = List.copyOf(read);
    }

    private void readBase(MapNode doc, Path dir) {
        Scalar baseImage = ctx.string(doc, "base_image", "base_image");
        YamlNode imageNode = doc.get("image");
        Path habitatDockerfile = dir.resolve("Dockerfile");
        if (Files.isRegularFile(habitatDockerfile)) {
            base = new BaseImage(null, habitatDockerfile, Map.of());
            return;
        }
        if (baseImage != null) {
            String ref = ctx.expand(baseImage.text()).trim();
            if (ref.isEmpty() || ref.chars().anyMatch(c -> c <= ' ')) {
                ctx.error(baseImage, "base_image", "'" + ref + "' is not an image reference", "use e.g. debian:bookworm");
            } else {
                base = new BaseImage(ref, null, Map.of());
            }
            return;
        }
        if (imageNode instanceof MapNode img) {
            ctx.checkKeys(img, "image", IMAGE_KEYS);
            Scalar df = ctx.string(img, "dockerfile", "image.dockerfile");
            Scalar b = ctx.string(img, "base", "image.base");
            Map<String, String> args = new LinkedHashMap<>();
            YamlNode argsNode = img.get("build_args");
            if (argsNode instanceof MapNode am) {
                for (YamlNode.Entry e : am.entries().values()) {
                    if (e.value() instanceof Scalar s && !s.isNull()) {
                        args.put(e.key(), ctx.expand(s.text()));
                    } else {
                        ctx.error(e.value(), "image.build_args." + e.key(), "must be a plain value", "write KEY: value");
                    }
                }
            } else if (argsNode != null && !isNull(argsNode)) {
                ctx.error(argsNode, "image.build_args", "must be a map of build arguments", "write build_args:\n    KEY: value");
            }
            if (df != null) {
                Path p = ctx.resolveHostPath(ctx.expand(df.text()), ctx.root(), ctx.root());
                if (!Files.isRegularFile(p)) {
                    ctx.error(df, "image.dockerfile", "Dockerfile not found at " + p, "image.dockerfile is relative to the root " + ctx.root());
                } else {
                    base = new BaseImage(null, p, args);
                }
            } else if (b != null) {
                base = new BaseImage(ctx.expand(b.text()).trim(), null, args);
            } else {
                ctx.error(img, "image", "image section must specify either dockerfile or base",
                        "add 'base: <image>' or 'dockerfile: <path>'");
            }
            return;
        }
        if (imageNode != null && !isNull(imageNode)) {
            ctx.error(imageNode, "image", "must be a map with 'base' or 'dockerfile', not " + imageNode.describe(),
                    "write image:\n    base: debian:bookworm");
            return;
        }
        ctx.error(doc, "base_image", "no base image: set 'base_image', 'image', or put a Dockerfile beside config.yaml",
                "add e.g. 'base_image: debian:bookworm'");
    }

    private void readEntry(MapNode doc) {
        YamlNode node = doc.get("entry");
        if (node == null || isNull(node)) {
            return;
        }
        if (!(node instanceof MapNode m)) {
            ctx.error(node, "entry", "entry section must be a map, not " + node.describe(), "write entry:\n    command: bash");
            return;
        }
        ctx.checkKeys(m, "entry", ENTRY_KEYS);
        Scalar cmd = ctx.string(m, "command", "entry.command");
        Boolean tty = ctx.bool(m, "tty", "entry.tty");
        Boolean bypass = ctx.bool(m, "bypass_habitat_construction", "entry.bypass_habitat_construction");
        Double delay = null;
        YamlNode d = m.get("startup_delay");
        if (d != null && !isNull(d)) {
            if (d instanceof Scalar s && (s.kind() == ScalarKind.INTEGER || s.kind() == ScalarKind.FLOAT)
                    && Double.parseDouble(s.text()) >= 0) {
                delay = Double.parseDouble(s.text());
            } else {
                ctx.error(d, "entry.startup_delay", "must be a non-negative number", "write e.g. startup_delay: 2");
            }
        }
        YamlNode init = m.get("init_command");
        entry = new EntrySpec(cmd == null ? null : ctx.expand(cmd.text()), tty == null || tty, bypass != null && bypass,
                init == null || isNull(init) ? null : canonical(init), delay);
    }

    private void readTimeouts(MapNode doc) {
        YamlNode node = doc.get("timeout");
        if (node == null || isNull(node)) {
            return;
        }
        if (!(node instanceof MapNode m)) {
            ctx.error(node, "timeout", "must be a map of durations", "write timeout:\n    per-phase: 10m\n    scripts: 30m");
            return;
        }
        Duration perPhase = null;
        Map<String, Duration> byPhase = new TreeMap<>();
        for (YamlNode.Entry e : m.entries().values()) {
            String path = "timeout." + e.key();
            Duration dur = ctx.duration(e.value(), path);
            if (e.key().equals("per-phase")) {
                if (dur != null) {
                    perPhase = dur;
                }
            } else if (Phase.parse(e.key()).isPresent()) {
                if (dur != null) {
                    byPhase.put(Phase.parse(e.key()).get().phaseName(), dur);
                }
            } else {
                ctx.problems().add(ConfigProblem.error(e.keyLocation(), path, "'" + e.key() + "' is not a phase name",
                        Phase.didYouMean(e.key()).map(n -> "did you mean " + n + "? ").orElse("")
                                + "use 'per-phase' or one of: " + String.join(", ", Phase.names())));
            }
        }
        timeouts = new Timeouts(perPhase, byPhase);
    }

    private static String suggestName(String name) {
        String s = name.toLowerCase().replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[._-]+|[._-]+$", "");
        return s.isEmpty() ? "my-habitat" : s;
    }

    String name() {
        return name;
    }

    String description() {
        return description;
    }

    BaseImage base() {
        return base;
    }

    String tools() {
        return tools;
    }

    EntrySpec entry() {
        return entry;
    }

    Timeouts timeouts() {
        return timeouts;
    }

    String network() {
        return network;
    }

    String buildMethod() {
        return buildMethod;
    }

    String registry() {
        return registry;
    }

    List<Platform> platforms() {
        return platforms;
    }
}
