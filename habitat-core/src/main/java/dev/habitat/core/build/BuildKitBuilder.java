package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.ContextTar;
import dev.habitat.core.engine.DockerEngine;
import dev.habitat.core.plan.CopySource;
import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.PhaseHasher;
import dev.habitat.core.plan.Planner;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.render.ContextStager;
import dev.habitat.core.render.DockerfileRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a habitat with the engine's BuildKit, one build request per snapshot: each phase's stages are
 * rendered {@code FROM} the snapshot of the phase before, so every snapshot is exactly its predecessor plus
 * its own steps, a build resumes from the newest valid snapshot, and a phase whose steps BuildKit already
 * has reports as cached. verify and test run in the request that produces {@code 12-final}, so a final
 * snapshot exists only when both passed. When the final (or target) snapshot is valid, nothing is sent.
 */
public final class BuildKitBuilder {
    public static final String METHOD = "buildkit";
    private static final Pattern EXIT = Pattern.compile("exit code: (\\d+)");
    private static final Pattern RUNNER_FAILED = Pattern.compile("habitat: command (\\d+) failed with exit code (\\d+)");

    private final DockerEngine engine;
    private final BuildProgress progress;
    private final DockerfileRenderer renderer = new DockerfileRenderer();

    public BuildKitBuilder(DockerEngine engine, BuildProgress progress) {
        this.engine = engine;
        this.progress = progress;
    }

    public BuildSummary build(StageGraph graph, BuildOptions options) {
        Instant t0 = Instant.now();
        HabitatConfig config = graph.config();
        progress.info("habitat: engine " + engine.ping() + " at " + engine.host());
        ExternalInputs external = new ExternalInputResolver().resolve(config, engine, progress);
        Map<Phase, PhaseHash> hashes = new PhaseHasher(options.outputDirectory()).hash(graph, external);
        Snapshots snapshots = new Snapshots(config.imageRepository(), hashes, engine::inspectImage);
        Phase target = options.target();

        Optional<Phase> resume = options.rebuildAll() ? Optional.empty() : snapshots.newestValid(target);
        if (options.rebuildFrom() != null && !options.rebuildAll()) {
            Phase before = options.rebuildFrom().previous();
            resume = before == null ? Optional.empty()
                    : resume.filter(r -> r.id() <= before.id()).or(() -> snapshots.newestValid(before));
            if (resume.isPresent() && resume.get().id() > before.id()) {
                resume = snapshots.newestValid(before);
            }
        }
        List<PhaseResult> results = new ArrayList<>();
        if (resume.isPresent() && resume.get() == target) {
            for (Phase p : Phase.values()) {
                if (p.id() <= target.id()) {
                    results.add(new PhaseResult(p, PhaseResult.Status.SNAPSHOT, Duration.ZERO,
                            snapshots.image(p).map(i -> i.id()).orElse(null), p.snapshotted() ? snapshots.tag(p) : null));
                }
            }
            progress.info("habitat: " + snapshots.tag(target) + " is up to date; nothing to build");
            return new BuildSummary(config.name(), results, true, Duration.between(t0, Instant.now()), snapshots.tag(target));
        }
        Phase start = resume.map(r -> Phase.values()[r.ordinal() + 1]).orElse(Phase.BASE);
        if (options.rebuildAll()) {
            progress.info("habitat: rebuilding every phase (habitat.rebuild)");
        } else if (options.rebuildFrom() != null && options.rebuildFrom() == start) {
            progress.info("habitat: rebuilding from " + start.tagSuffix() + " (habitat.rebuildFrom)");
        } else {
            progress.info("habitat: first stale phase is " + start.tagSuffix() + ": " + snapshots.whyStale(start));
        }
        resume.ifPresent(r -> progress.info("habitat: resuming from snapshot " + snapshots.tag(r)));
        for (Phase p : Phase.values()) {
            if (p.id() < start.id()) {
                results.add(new PhaseResult(p, PhaseResult.Status.SNAPSHOT, Duration.ZERO,
                        snapshots.image(p).map(i -> i.id()).orElse(null), p.snapshotted() ? snapshots.tag(p) : null));
            }
        }

        Path outDir = options.outputDirectory().resolve(config.name());
        BuildContext context = new ContextStager().stage(graph, hashes, outDir, options.outputDirectory());
        Phase noCacheFrom = options.rebuildAll() ? Phase.BASE : options.rebuildFrom();
        Map<String, String> buildArgs = buildArgs(external, config);
        String network = options.network() != null ? options.network() : config.network();
        String from = resume.map(snapshots::tag).orElse(null);
        String finalImage = null;
        for (Set<Phase> segment : segments(start, target)) {
            Phase last = lastOf(segment);
            boolean noCache = noCacheFrom != null && segment.stream().anyMatch(p -> p.id() >= noCacheFrom.id());
            SegmentResult r = runSegment(graph, hashes, context, segment, from, snapshots, buildArgs, network, noCache,
                    options.verbose(), options.outputDirectory());
            results.addAll(r.results());
            if (last.snapshotted()) {
                snapshots.forget(last);
                from = snapshots.tag(last);
                finalImage = from;
            }
        }
        return new BuildSummary(config.name(), results, false, Duration.between(t0, Instant.now()), finalImage);
    }

    private record SegmentResult(List<PhaseResult> results) {}

    private SegmentResult runSegment(StageGraph graph, Map<Phase, PhaseHash> hashes, BuildContext context,
                                     Set<Phase> segment, String from, Snapshots snapshots, Map<String, String> buildArgs,
                                     String network, boolean noCache, boolean verbose, Path outputDirectory) {
        Phase last = lastOf(segment);
        String dockerfile = renderer.render(graph, hashes, segment, from);
        Set<String> roots = new LinkedHashSet<>(List.of(".dockerignore"));
        for (Stage s : graph.stages()) {
            if (segment.contains(s.phase())) {
                for (Operation op : s.operations()) {
                    if (op instanceof Operation.Copy c) {
                        roots.add(c.source().contextPath());
                    } else if (op instanceof Operation.RunScript rs) {
                        roots.add(rs.contextDir());
                    }
                }
            }
        }
        Path tar = outputDirectory.resolve("." + graph.config().name() + "-" + UUID.randomUUID() + ".tar");
        SegmentTracker tracker = new SegmentTracker(graph, segment, progress, verbose);
        String buildId = "habitat-" + UUID.randomUUID();
        Thread cancel = new Thread(() -> engine.cancelBuild(buildId), "habitat-cancel-build");
        Instant started = Instant.now();
        BuildOutcome outcome;
        try {
            ContextTar.write(context.directory(), roots, Map.of("Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8)), tar);
            Runtime.getRuntime().addShutdownHook(cancel);
            List<String> tags = last.snapshotted() ? List.of(snapshots.tag(last)) : List.of();
            outcome = engine.build(new BuildRequest(tar, graph.lastStageOf(last).name(), tags, buildArgs,
                    Map.of(Snapshots.LABEL_METHOD, METHOD), network, noCache, buildId), tracker);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancel);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it cancels the build
            }
            try {
                Files.deleteIfExists(tar);
            } catch (IOException ignored) {
                // a temp file in target/: harmless
            }
        }
        Instant ended = Instant.now();
        Map<Phase, SegmentTracker.PhaseTiming> timings = tracker.timings(started, ended);
        if (outcome.failed()) {
            throw failure(graph, segment, tracker, outcome.error(), snapshots, timings);
        }
        List<PhaseResult> results = new ArrayList<>();
        for (Phase p : segment) {
            SegmentTracker.PhaseTiming t = timings.get(p);
            boolean cached = !noCache && t.cached();
            PhaseResult r = new PhaseResult(p, cached ? PhaseResult.Status.CACHED : PhaseResult.Status.BUILT,
                    p == last ? Duration.between(started, ended) : t.duration(),
                    p == last ? outcome.imageId() : null, p.snapshotted() ? snapshots.tag(p) : null);
            results.add(r);
            progress.phaseFinished(r);
        }
        return new SegmentResult(results);
    }

    private BuildFailedException failure(StageGraph graph, Set<Phase> segment, SegmentTracker tracker, String error,
                                         Snapshots snapshots, Map<Phase, SegmentTracker.PhaseTiming> timings) {
        SegmentTracker.Step step = tracker.failedStep();
        Phase phase = step != null ? step.stage().phase() : segment.iterator().next();
        // No snapshot of the failed phase or any later one may outlive a failure (a failed test leaves no 12-final).
        for (Phase p : Phase.values()) {
            if (p.id() >= phase.id() && p.snapshotted()) {
                engine.removeTag(snapshots.tag(p));
            }
        }
        progress.phaseFinished(new PhaseResult(phase, PhaseResult.Status.FAILED,
                timings.getOrDefault(phase, new SegmentTracker.PhaseTiming(Duration.ZERO, false, 0)).duration(), null, null));
        if (step == null) {
            return new BuildFailedException(phase, null, null, null, null, List.of(), error);
        }
        List<String> lastLines = tracker.lastLines(step);
        String stepError = tracker.error(step);
        Integer exit = null;
        Matcher em = EXIT.matcher(stepError == null ? error : stepError);
        if (em.find()) {
            exit = Integer.parseInt(em.group(1));
        }
        String where = switch (step.stage().role()) {
            case BEFORE_HOOKS -> "before: " + phase.phaseName() + " hook, stage " + step.stage().name();
            case AFTER_HOOKS -> "after: " + phase.phaseName() + " hook, stage " + step.stage().name();
            case CORE -> "stage " + step.stage().name();
        };
        String command = step.instruction();
        for (Operation op : step.stage().operations()) {
            if (op instanceof Operation.RunScript rs && command.contains("source=" + rs.contextDir() + ",")) {
                where += ", " + rs.summary();
                command = rs.commands().size() == 1 ? rs.commands().get(0) : String.join("\n", rs.commands());
                for (String line : lastLines) {
                    Matcher rm = RUNNER_FAILED.matcher(line);
                    if (rm.find()) {
                        int n = Integer.parseInt(rm.group(1));
                        if (n >= 1 && n <= rs.commands().size()) {
                            command = rs.commands().get(n - 1);
                        }
                    }
                }
            }
        }
        return new BuildFailedException(phase, step.stage().name(), where, command, exit, lastLines, stepError != null ? stepError : error);
    }

    /** Consecutive phases from start to target, each ending at a snapshot (verify and test join final). */
    static List<Set<Phase>> segments(Phase start, Phase target) {
        List<Set<Phase>> out = new ArrayList<>();
        Set<Phase> current = EnumSet.noneOf(Phase.class);
        for (Phase p : Phase.values()) {
            if (p.id() < start.id() || p.id() > target.id()) {
                continue;
            }
            current.add(p);
            if (p.snapshotted() || p == target) {
                out.add(current);
                current = EnumSet.noneOf(Phase.class);
            }
        }
        return out;
    }

    private static Phase lastOf(Set<Phase> segment) {
        Phase last = null;
        for (Phase p : segment) {
            last = p;
        }
        return last;
    }

    private static Map<String, String> buildArgs(ExternalInputs external, HabitatConfig config) {
        Map<String, String> args = new LinkedHashMap<>(config.base().buildArgs());
        external.dockerGroupGid().ifPresent(g -> args.put(Planner.DOCKER_GID_ARG, g));
        for (int i = 0; i < config.repos().size(); i++) {
            int index = i;
            external.repoRevision(i).ifPresent(rev -> args.put("HABITAT_REPO_" + index + "_REVISION", rev));
        }
        return args;
    }

}
