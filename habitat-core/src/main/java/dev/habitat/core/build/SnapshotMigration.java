package dev.habitat.core.build;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.habitat.core.HabitatException;
import dev.habitat.core.Json;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.Engine;
import dev.habitat.core.engine.ImageInfo;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.method.buildkit.BuildKitMethod;
import dev.habitat.core.method.buildkit.DockerfileOnlyBuild;
import dev.habitat.core.method.exec.ExecMethod;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.render.DockerfileSyntax;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.snapshot.RegistryListing;
import dev.habitat.core.snapshot.Sharing;
import dev.habitat.core.snapshot.Snapshots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Existing snapshots of a habitat, who made them, and what to do with them when moving to BuildKit:
 * report them, adopt valid docker-exec snapshots as the start of BuildKit builds, or remove them. Only
 * images of the habitat's repository that carry this plugin's or the original tool's labels are touched.
 */
public final class SnapshotMigration {
    /** The original JavaScript tool's labels (REFERENCE §7.2). */
    static final String ORIGINAL_RESULT = "habitat.result";
    static final String ORIGINAL_BASE_HASH = "base.hash";
    public static final String LABEL_ADOPTED = "habitat.adopted-from";

    /** What the migrate-snapshots goal is asked to do. */
    public enum Mode {
        /** Only tell who made each snapshot and what each other mode would do with it. */
        REPORT,
        /** Relabel valid docker-exec snapshots as BuildKit's. */
        ADOPT,
        /** Build every phase again with BuildKit, then remove the snapshots that build did not replace. */
        REBUILD,
        /** Remove every snapshot this plugin or the original tool made. */
        REMOVE;

        /** The mode as {@code -Dhabitat.migrate.mode} names it. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Every mode's name: {@code report, adopt, rebuild, remove}. */
        public static List<String> ids() {
            return Arrays.stream(values()).map(Mode::id).toList();
        }

        /** The mode named {@code name} exactly; empty for any other text. */
        public static Optional<Mode> of(String name) {
            return Arrays.stream(values()).filter(m -> m.id().equals(name)).findFirst();
        }
    }

    /** How long adopt and remove wait for a build of the same habitat to end, as a build waits for another. */
    static final Duration LOCK_PATIENCE = Duration.ofHours(2);

    public enum Maker {
        BUILDKIT("this plugin, BuildKit method"), DOCKER_EXEC("this plugin, docker-exec method"),
        ORIGINAL("the original JavaScript tool"), OTHER("not a habitat snapshot");

        final String text;

        Maker(String text) {
            this.text = text;
        }
    }

    /**
     * @param phase  the phase its tag names, or null for another tag
     * @param valid  whether it matches the current config's hashes (only this plugin's can)
     */
    public record Entry(String tag, String imageId, Maker maker, Phase phase, boolean valid, String adopt, String remove,
                        String rebuild) {}

    /** @param registry the habitat's snapshots in its registry, or null when none is set */
    public record Report(String habitat, String repository, List<Entry> entries, RegistryListing registry) {
        public Report(String habitat, String repository, List<Entry> entries) {
            this(habitat, repository, entries, null);
        }

        public Report withRegistry(RegistryListing listing) {
            return new Report(habitat, repository, entries, listing);
        }

        public String text() {
            StringBuilder b = new StringBuilder("Snapshots of " + habitat + " (" + repository + ":*): " + entries.size() + "\n");
            for (Entry e : entries) {
                b.append(String.format("  %-32s %-12s %-32s %-6s adopt: %-24s remove: %-8s rebuild: %s%n", e.tag(),
                        e.imageId() == null ? "" : e.imageId().replace("sha256:", "").substring(0, 12), e.maker().text,
                        e.valid() ? "valid" : "stale", e.adopt(), e.remove(), e.rebuild()));
            }
            if (registry != null) {
                b.append(registry.text());
            }
            return b.toString();
        }

        public String json() {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("habitat", habitat);
            root.put("repository", repository);
            List<Object> list = new ArrayList<>();
            for (Entry e : entries) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("tag", e.tag());
                m.put("image", e.imageId());
                m.put("maker", e.maker().name().toLowerCase().replace('_', '-'));
                m.put("phase", e.phase() == null ? null : e.phase().tagSuffix());
                m.put("valid", e.valid());
                m.put("adopt", e.adopt());
                m.put("remove", e.remove());
                m.put("rebuild", e.rebuild());
                list.add(m);
            }
            root.put("snapshots", list);
            if (registry != null) {
                Map<String, Object> reg = new LinkedHashMap<>();
                reg.put("repository", registry.repository());
                reg.put("problem", registry.problem());
                List<Object> tags = new ArrayList<>();
                for (RegistryListing.Entry e : registry.entries()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("tag", e.tag());
                    m.put("phase", e.phase() == null ? null : e.phase().tagSuffix());
                    m.put("current", e.current());
                    tags.add(m);
                }
                reg.put("snapshots", tags);
                root.put("registry", reg);
            }
            try {
                return Json.indented(root);
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    private final Engine engine;
    private final BuildMethod rebuildWith;

    /** The migration on {@code engine}; {@link Mode#REBUILD} builds with BuildKit. */
    public SnapshotMigration(Engine engine) {
        this(engine, BuildMethods.buildKit(engine));
    }

    /** The migration on {@code engine}, {@link Mode#REBUILD} building with {@code rebuildWith}. */
    public SnapshotMigration(Engine engine, BuildMethod rebuildWith) {
        this.engine = engine;
        this.rebuildWith = rebuildWith;
    }

    /**
     * The migrate-snapshots goal on one habitat, with its policy: {@code report} changes nothing; {@code adopt} and
     * {@code remove} hold the habitat's build lock, as a build does, so they never touch snapshots a build is making;
     * {@code rebuild} builds every phase with BuildKit (the build takes the lock) and only then removes what it did not
     * replace: the original tool's snapshots and tags of the habitat that name no phase.
     *
     * @param options  the rebuild's network, output directory and secrets (its phases, sharing and rebuild flag are the
     *                 policy's: every phase, nothing shared)
     * @param registry the habitat's snapshots in its registry for the current hashes, or null when it has no registry
     * @return the report of the snapshots as the mode left them
     */
    public Report migrate(Mode mode, StageGraph graph, BuildOptions options,
                          Function<Map<Phase, PhaseHash>, RegistryListing> registry, BuildProgress progress) {
        String name = graph.config().name();
        String repository = graph.config().imageRepository();
        HabitatBuilder builder = new HabitatBuilder(engine, rebuildWith, progress);
        Map<Phase, PhaseHash> hashes = builder.currentHashes(graph, options.outputDirectory(), options.secrets());
        Report report = report(name, repository, hashes);
        switch (mode) {
            case ADOPT -> {
                try (BuildLock lock = BuildLock.acquire(HabitatBuilder.lockDirectory(), name, LOCK_PATIENCE, progress)) {
                    List<String> adopted = adopt(report, options.outputDirectory(), progress);
                    progress.info("habitat: adopted " + adopted.size() + " docker-exec snapshot(s); original-tool snapshots are never adopted");
                }
            }
            case REMOVE -> {
                try (BuildLock lock = BuildLock.acquire(HabitatBuilder.lockDirectory(), name, LOCK_PATIENCE, progress)) {
                    remove(report, e -> true, progress);
                }
            }
            case REBUILD -> {
                builder.build(graph, new BuildOptions(null, null, true, options.network(), options.outputDirectory(),
                        options.secrets(), Sharing.none()));
                remove(report(name, repository, hashes), e -> e.maker() == Maker.ORIGINAL || e.phase() == null, progress);
            }
            case REPORT -> { }
        }
        Report result = mode == Mode.REPORT ? report : report(name, repository, hashes);
        return registry == null ? result : result.withRegistry(registry.apply(hashes));
    }

    public Report report(String habitat, String repository, Map<Phase, PhaseHash> hashes) {
        Snapshots snapshots = new Snapshots(repository, hashes, engine::inspectImage);
        List<Entry> entries = new ArrayList<>();
        for (String tag : engine.tagsOf(repository)) {
            Optional<ImageInfo> img = engine.inspectImage(tag);
            if (img.isEmpty()) {
                continue;
            }
            String suffix = tag.substring(tag.indexOf(':') + 1);
            Maker maker = makerOf(suffix, img.get().labels());
            Phase phase = phaseOf(suffix);
            boolean valid = phase != null && (maker == Maker.BUILDKIT || maker == Maker.DOCKER_EXEC) && snapshots.valid(phase);
            String adopt = switch (maker) {
                case DOCKER_EXEC -> valid ? "adopt (relabel)" : "ignore: stale";
                case BUILDKIT -> valid ? "keep: already BuildKit's" : "ignore: stale";
                case ORIGINAL -> "never: hashes not comparable";
                case OTHER -> "ignore";
            };
            String remove = maker == Maker.OTHER ? "keep" : "remove";
            String rebuild = maker == Maker.OTHER ? "keep" : phase != null && phase.snapshotted() ? "replace" : "remove";
            entries.add(new Entry(tag, img.get().id(), maker, phase, valid, adopt, remove, rebuild));
        }
        return new Report(habitat, repository, entries);
    }

    /**
     * Who made the image tagged {@code <repository>:<suffix>}. Labels alone do not tell: an image committed from a
     * container of a snapshot ({@code docker commit} of a {@code 12-final} container as {@code :mywork}) inherits its
     * labels. So only a tag of the maker's own scheme names a snapshot: this plugin's are the phase tags of snapshotted
     * phases ({@code 1-base} ... {@code 12-final}); the original tool's are those and the bare phase names
     * ({@code final}). Every other tag is the user's ({@link Maker#OTHER}) and is never removed.
     */
    static Maker makerOf(String suffix, Map<String, String> labels) {
        Maker byLabels;
        if (labels.containsKey(SnapshotLabels.LABEL_SCHEMA)) {
            byLabels = ExecMethod.NAME.equals(labels.get(SnapshotLabels.LABEL_METHOD)) ? Maker.DOCKER_EXEC : Maker.BUILDKIT;
        } else if (labels.containsKey(ORIGINAL_RESULT) || labels.containsKey(ORIGINAL_BASE_HASH)) {
            byLabels = Maker.ORIGINAL;
        } else {
            byLabels = Maker.OTHER;
        }
        return inTagScheme(byLabels, suffix) ? byLabels : Maker.OTHER;
    }

    /** Whether {@code suffix} is a tag {@code maker} gives its snapshots (see {@link #makerOf}). */
    static boolean inTagScheme(Maker maker, String suffix) {
        Phase phase = phaseOf(suffix);
        return switch (maker) {
            case BUILDKIT, DOCKER_EXEC -> phase != null && phase.snapshotted();
            case ORIGINAL -> phase != null || Phase.byName(suffix).isPresent();
            case OTHER -> false;
        };
    }

    /** The phase a snapshot tag suffix names exactly ({@code 6-files}), or null for any other tag. */
    static Phase phaseOf(String suffix) {
        return Phase.parse(suffix).filter(p -> suffix.equals(p.tagSuffix())).orElse(null);
    }

    /**
     * Relabels every valid docker-exec snapshot as BuildKit's (a LABEL-only BuildKit build FROM it: same
     * layers), recording where it came from. Original-tool snapshots are never adopted.
     *
     * @return the adopted tags
     */
    public List<String> adopt(Report report, Path workDir, BuildProgress progress) {
        List<String> adopted = new ArrayList<>();
        for (Entry e : report.entries()) {
            if (e.maker() != Maker.DOCKER_EXEC || !e.valid()) {
                continue;
            }
            String dockerfile = "FROM " + e.tag() + "\nLABEL " + SnapshotLabels.LABEL_METHOD + "=" + DockerfileSyntax.quotedLiteral(BuildKitMethod.NAME)
                    + " " + LABEL_ADOPTED + "=" + DockerfileSyntax.quotedLiteral(ExecMethod.NAME) + "\n";
            relabel(e.tag(), dockerfile.getBytes(StandardCharsets.UTF_8), workDir);
            progress.info("habitat: adopted " + e.tag() + " (docker-exec snapshot, valid) for BuildKit builds");
            adopted.add(e.tag());
        }
        return adopted;
    }

    /**
     * A LABEL-only build of {@code tag} onto itself. The Dockerfile goes through a BuildKit session (the
     * containerd image store cannot read a tar body context); a tar body only where the engine refuses sessions.
     */
    private void relabel(String tag, byte[] dockerfile, Path workDir) {
        BuildOutcome out = DockerfileOnlyBuild.run(engine, workDir, "habitat-adopt", dockerfile,
                (tar, sessionId) -> new BuildRequest(tar, null, List.of(tag), Map.of(), Map.of(), null, false, null, sessionId), status -> { });
        if (out.failed()) {
            throw HabitatException.ofEnvironment("cannot relabel " + tag + ": " + out.error(), null);
        }
    }

    /** Removes the habitat's snapshots made by this plugin or the original tool; never anything else. */
    public List<String> remove(Report report, Predicate<Entry> which, BuildProgress progress) {
        List<String> removed = new ArrayList<>();
        for (Entry e : report.entries()) {
            // the tag is checked again here: a report built elsewhere must not make a user's image a snapshot
            String suffix = e.tag().startsWith(report.repository() + ":") ? e.tag().substring(report.repository().length() + 1) : null;
            if (suffix != null && inTagScheme(e.maker(), suffix) && which.test(e)) {
                engine.removeTag(e.tag());
                progress.info("habitat: removed " + e.tag() + " (" + e.maker().text + ")");
                removed.add(e.tag());
            }
        }
        return removed;
    }
}
