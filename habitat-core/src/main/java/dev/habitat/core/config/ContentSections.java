package dev.habitat.core.config;

import static dev.habitat.core.config.SectionContext.isNull;

import dev.habitat.core.config.YamlNode.ListNode;
import dev.habitat.core.config.YamlNode.MapNode;
import dev.habitat.core.config.YamlNode.Scalar;
import dev.habitat.core.config.YamlNode.ScalarKind;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** Reads what every layer puts in and checks on the image: files, volumes, verify-fs and tests. */
final class ContentSections {
    private static final Set<String> FILE_KEYS = Set.of("src", "dest", "mode", "owner", "description", "before", "after",
            "optional");
    private static final Set<String> VERIFY_KEYS = Set.of("required_files");
    private static final Set<String> VOLUME_KEYS = Set.of("volume", "build_mount");

    private final SectionContext ctx;
    private final Owners owners;
    private final List<FileSpec> fileSpecs = new ArrayList<>();
    private final List<VolumeSpec> volumes = new ArrayList<>();
    private final List<VerifySpec> verify = new ArrayList<>();
    private final List<TestSpec> tests = new ArrayList<>();
    /** Each test's layer directory on the host, checked once entry (read with the habitat layer) is known. */
    private final List<Path> testDirs = new ArrayList<>();

    /** @param owners where each file's owner goes, to be checked once every layer is read */
    ContentSections(SectionContext ctx, Owners owners) {
        this.ctx = ctx;
        this.owners = owners;
    }

    void readFiles(Layer layer, MapNode doc, Path dir) {
        ListNode list = ctx.list(doc, "files");
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.items().size(); i++) {
            String path = "files[" + i + "]";
            if (!(list.items().get(i) instanceof MapNode m)) {
                ctx.error(list.items().get(i), path, "must be a map with src and dest, not " + list.items().get(i).describe(),
                        "write - src: ./path\n      dest: /absolute/path");
                continue;
            }
            ctx.checkKeys(m, path, FILE_KEYS);
            Scalar src = ctx.required(m, "src", path, "the host file or directory to copy, e.g. src: ./conf/app.conf");
            Scalar dest = ctx.required(m, "dest", path, "the absolute path in the image, e.g. dest: /etc/app.conf");
            Scalar owner = ctx.string(m, "owner", path + ".owner");
            Scalar descr = ctx.string(m, "description", path + ".description");
            String before = ctx.hook(m, "before", path);
            String after = ctx.hook(m, "after", path);
            Integer mode = ctx.mode(m.get("mode"), path + ".mode");
            String ownerText = owner == null ? null : ctx.expand(owner.text());
            if (ownerText != null) {
                owners.checkOwner(ownerText, owner, path + ".owner");
            }
            if (src == null || dest == null) {
                continue;
            }
            Boolean optional = ctx.bool(m, "optional", path + ".optional");
            String srcText = ctx.expand(src.text());
            Path source = ctx.resolveHostPath(srcText, ctx.root(), dir);
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                missingSource(src, path, srcText, source, dir, Boolean.TRUE.equals(optional));
                continue;
            }
            if (!srcText.startsWith("/") && !srcText.startsWith("~")) {
                String escape = ctx.escapesRoot(source);
                if (escape != null) {
                    ctx.error(src, path + ".src", "'" + srcText + "' " + escape + " the habitat root " + ctx.root(),
                            "keep relative sources inside the root, or write an absolute or ~/ path if you mean a file outside it");
                    continue;
                }
            }
            String ownerUser = ownerText == null ? null : ownerText.split(":", 2)[0];
            String homeUser = ownerUser != null ? ownerUser : ctx.env().getOrDefault("USER", "root");
            String rawDest = ctx.expand(dest.text());
            String destText = ctx.expandTilde(rawDest, homeUser);
            if (!ctx.checkAbsolutePath(destText, dest.location(), path + ".dest", "dest")) {
                continue;
            }
            if (srcText.equals("~") || srcText.startsWith("~/")) {
                CredentialNames.warnIfCredential(ctx, src, path + ".src", srcText, source);
            }
            ShellLineEndings.warnIfCrlf(ctx, src.location(), path + ".src", source);
            fileSpecs.add(new FileSpec(srcText, source, destText, ownerText, mode,
                    descr == null ? null : ctx.expand(descr.text()), before, after, new Origin(layer, m.location(), path),
                    rawDest.equals("~") || rawDest.startsWith("~/") ? homeUser : null));
        }
    }

    /**
     * Volumes are for running the habitat: a string {@code host:container[:options]}, or a map
     * {@code {volume: host:container[:options], build_mount: true}} to have the docker-exec method mount it
     * (read-only) in its build containers too.
     */
    void readVolumes(Layer layer, MapNode doc) {
        ListNode list = ctx.list(doc, "volumes");
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.items().size(); i++) {
            String path = "volumes[" + i + "]";
            YamlNode item = list.items().get(i);
            boolean buildMount = false;
            Scalar s;
            String valuePath = path;
            if (item instanceof MapNode m) {
                ctx.checkKeys(m, path, VOLUME_KEYS);
                valuePath = path + ".volume";
                s = ctx.required(m, "volume", path, "the volume as host:container[:options], e.g. volume: /host/path:/container/path");
                Boolean b = ctx.bool(m, "build_mount", path + ".build_mount");
                buildMount = Boolean.TRUE.equals(b);
                if (s == null) {
                    continue;
                }
            } else if (item instanceof Scalar sc && sc.kind() == ScalarKind.STRING) {
                s = sc;
            } else {
                ctx.error(item, path, "must be a \"host:container[:options]\" string (or a map with volume and build_mount)",
                        "write - /host/path:/container/path");
                continue;
            }
            String v = ctx.expand(s.text());
            String[] parts = v.split(":", -1);
            if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
                ctx.error(s, valuePath, "'" + v + "' is not host:container[:options]", "write - /var/run/docker.sock:/var/run/docker.sock");
                continue;
            }
            String host = parts[0].startsWith("~") ? ctx.userHome() + parts[0].substring(1) : parts[0];
            String container = ctx.expandTilde(parts[1], ctx.env().getOrDefault("USER", "root"));
            if (!ctx.checkAbsolutePath(container, s.location(), valuePath, "the container side")) {
                continue;
            }
            volumes.add(new VolumeSpec(host, container, parts.length == 3 ? parts[2] : null, buildMount,
                    new Origin(layer, s.location(), path)));
        }
    }

    void readVerify(Layer layer, MapNode doc) {
        YamlNode node = doc.get("verify-fs");
        if (node == null || isNull(node)) {
            return;
        }
        if (!(node instanceof MapNode m)) {
            ctx.error(node, "verify-fs", "must be a map with required_files", "write verify-fs:\n    required_files:\n      - /path");
            return;
        }
        ctx.checkKeys(m, "verify-fs", VERIFY_KEYS);
        ListNode list = ctx.list(m, "required_files", "verify-fs.required_files");
        if (list == null) {
            return;
        }
        pathList(layer, list, "verify-fs.required_files", "must be a path string", "write - /path/that/must/exist",
                (p, origin) -> verify.add(new VerifySpec(p, origin)));
    }

    /**
     * A missing source is an error, except where the original tolerated it: a per-user source (written with
     * {@code ~}, or in the shared layer's directory, which the original calls personal and git-ignores) is skipped
     * with a warning, and {@code optional: true} skips any source with a note. A habitat's own files stay errors.
     */
    private void missingSource(Scalar src, String path, String srcText, Path source, Path dir, boolean optional) {
        Path shared = ctx.root().resolve("shared");
        boolean inHabitatDir = source.startsWith(ctx.habitatFile().getParent());
        boolean perUser = srcText.equals("~") || srcText.startsWith("~/") || source.startsWith(shared) && !inHabitatDir;
        if (optional) {
            ctx.problems().add(ConfigProblem.note(src.location(), path + ".src", "source not found: " + source
                    + "; skipped (optional: true)", null));
        } else if (perUser) {
            String whose = source.startsWith(shared) && !(srcText.equals("~") || srcText.startsWith("~/"))
                    ? "it is in the shared layer (" + shared + "), which holds personal files the original tool git-ignores"
                    : "it is in your home directory";
            ctx.problems().add(ConfigProblem.warning(src.location(), path + ".src", "source not found: " + source
                    + "; skipped, since " + whose, "create it if the habitat needs it (verify-fs still checks the paths it "
                    + "requires), or add optional: true to the entry to say it may be absent"));
        } else {
            ctx.error(src, path + ".src", "source not found: " + source,
                    "create it, or fix the path ('./' is relative to the root " + ctx.root() + ", '~/' to your home, "
                            + "other relative paths to " + dir + "); add optional: true if it may be absent");
        }
    }

    void readTests(Layer layer, MapNode doc, Path dir) {
        ListNode list = ctx.list(doc, "tests");
        if (list == null) {
            return;
        }
        pathList(layer, list, "tests", "must be the path of a test script", "write - tests/check.sh", (p, origin) -> {
            tests.add(new TestSpec(p, origin));
            testDirs.add(dir);
        });
    }

    /**
     * A relative test path names a file of its layer's directory, run from there in the image, which is there only
     * when the layer's *_PATH variable places it. A bypass habitat (entry.bypass_habitat_construction) copies no
     * layer directory: its system and shared tests are skipped with one warning, as the original never ran them,
     * and its own relative tests are found in the image where the original ran them (see Planner),
     * checked when the test phase runs.
     */
    void checkTests(EntrySpec entry, Location bypassAt) {
        List<TestSpec> kept = new ArrayList<>();
        List<TestSpec> skipped = new ArrayList<>();
        for (int i = 0; i < tests.size(); i++) {
            TestSpec t = tests.get(i);
            Layer layer = t.origin().layer();
            if (entry.bypassHabitatConstruction() && layer != Layer.HABITAT) {
                skipped.add(t);
                continue;
            }
            kept.add(t);
            if (t.path().startsWith("/") || entry.bypassHabitatConstruction()) {
                continue;
            }
            Path dir = testDirs.get(i);
            if (!Files.exists(dir.resolve(t.path()))) {
                ctx.problems().add(ConfigProblem.error(t.origin().location(), t.origin().keyPath(), "test script not found: "
                        + dir.resolve(t.path()), "create it, or give its path relative to " + dir));
            }
            ShellLineEndings.warnIfCrlf(ctx, t.origin().location(), t.origin().keyPath(), dir.resolve(t.path()));
            String variable = layer.pathVariable();
            String target = ctx.env().get(variable);
            if (target == null || !target.startsWith("/")) {
                ctx.problems().add(ConfigProblem.error(t.origin().location(), t.origin().keyPath(), "'" + t.path()
                        + "' reaches the image only with its directory, and " + variable + " does not place it",
                        "define " + variable + " in env, e.g. - " + variable + "=" + layer.examplePath()));
            }
        }
        if (!skipped.isEmpty()) {
            TestSpec first = skipped.get(0);
            ctx.problems().add(ConfigProblem.warning(first.origin().location(), first.origin().keyPath(), skipped.size()
                    + " system/shared test(s) skipped (" + skipped.stream().map(t -> t.origin().layer().label() + " " + t.path())
                    .collect(java.util.stream.Collectors.joining(", ")) + "): entry.bypass_habitat_construction"
                    + (bypassAt == null ? "" : " (" + bypassAt + ")") + " copies no system or shared directory into the image",
                    "nothing to do (the original ran them only for other habitats); to run one, copy it with files and "
                            + "list its path in the image under the habitat's tests"));
        }
        tests.clear();
        tests.addAll(kept);
    }

    /** A list of one-line path strings, each expanded and handed over with its origin. */
    private void pathList(Layer layer, ListNode list, String key, String shape, String fix,
                          BiConsumer<String, Origin> sink) {
        for (int i = 0; i < list.items().size(); i++) {
            String path = key + "[" + i + "]";
            YamlNode item = list.items().get(i);
            if (!(item instanceof Scalar s) || s.kind() != ScalarKind.STRING || s.text().isBlank()) {
                ctx.error(item, path, shape, fix);
                continue;
            }
            String p = ctx.expand(s.text());
            if (p.chars().anyMatch(c -> c < ' ')) {
                ctx.error(item, path, "contains a control character", "write the path on one line");
                continue;
            }
            sink.accept(p, new Origin(layer, s.location(), path));
        }
    }

    List<FileSpec> files() {
        return fileSpecs;
    }

    List<VolumeSpec> volumes() {
        return volumes;
    }

    List<VerifySpec> verify() {
        return verify;
    }

    List<TestSpec> tests() {
        return tests;
    }
}
