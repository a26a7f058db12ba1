package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.BuildSession;
import dev.habitat.core.engine.ContextTar;
import dev.habitat.core.engine.DockerEngine;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.render.DockerfileRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default method: each segment is rendered as a Dockerfile starting {@code FROM} the previous snapshot
 * and built by the engine's BuildKit through {@code POST /build?version=2}; a phase whose steps BuildKit
 * already has reports as cached. The context sent holds only what the segment uses.
 */
public final class BuildKitMethod implements BuildMethod {
    public static final String NAME = "buildkit";
    private static final Pattern EXIT = Pattern.compile("exit code: (\\d+)");

    private final DockerEngine engine;
    private final DockerfileRenderer renderer = new DockerfileRenderer();

    public BuildKitMethod(DockerEngine engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PhaseResult> run(SegmentJob job, BuildProgress progress) {
        Phase last = job.last();
        String dockerfile = renderer.render(job.graph(), job.hashes(), job.phases(), job.fromImage());
        Set<String> roots = new LinkedHashSet<>(List.of(".dockerignore"));
        for (Stage s : job.graph().stages()) {
            if (job.phases().contains(s.phase())) {
                for (Operation op : s.operations()) {
                    if (op instanceof Operation.Copy c) {
                        roots.add(c.source().contextPath());
                    } else if (op instanceof Operation.RunScript rs) {
                        roots.add(rs.contextDir());
                    }
                }
            }
        }
        Path tar = job.outputDirectory().resolve("." + job.graph().config().name() + "-" + UUID.randomUUID() + ".tar");
        SegmentTracker tracker = new SegmentTracker(job.graph(), job.phases(), progress);
        String buildId = "habitat-" + UUID.randomUUID();
        Thread cancel = new Thread(() -> engine.withOwnConnection(e -> e.cancelBuild(buildId)), "habitat-cancel-build");
        Instant started = Instant.now();
        BuildOutcome outcome;
        BuildSession session = null;
        try {
            if (usesSecrets(job)) {
                // one session per build request, closed with it: the daemon asks it for each secret mount
                session = BuildSession.open(engine.host(), job.graph().config().name(), job.secrets()::lookup);
            }
            ContextTar.write(job.context().directory(), roots, Map.of("Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8)), tar);
            Runtime.getRuntime().addShutdownHook(cancel);
            List<String> tags = job.tag() == null ? List.of() : List.of(job.tag());
            outcome = engine.build(new BuildRequest(tar, job.graph().lastStageOf(last).name(), tags, job.buildArgs(),
                    Map.of(Snapshots.LABEL_METHOD, NAME), job.network(), job.noCache(), buildId, session == null ? null : session.id()), tracker);
        } finally {
            if (session != null) {
                session.close();
            }
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
        Map<Phase, SegmentTracker.PhaseTiming> timings = tracker.timings();
        if (outcome.failed()) {
            throw failure(job, tracker, outcome.error(), timings, progress);
        }
        List<PhaseResult> results = new ArrayList<>();
        Map<Phase, List<StageTiming>> stages = tracker.stageTimings();
        for (Phase p : job.phases()) {
            SegmentTracker.PhaseTiming t = timings.get(p);
            boolean cached = !job.noCache() && t.cached();
            List<StageTiming> st = stages.getOrDefault(p, List.of());
            Instant start = st.stream().map(StageTiming::start).min(Instant::compareTo).orElse(started);
            Instant end = p == last ? ended : st.stream().map(StageTiming::end).max(Instant::compareTo).orElse(start);
            PhaseResult r = new PhaseResult(p, cached ? PhaseResult.Status.CACHED : PhaseResult.Status.BUILT,
                    p == last ? Duration.between(started, ended) : t.duration(),
                    p == last ? outcome.imageId() : null, p == last ? job.tag() : null, start, end, st);
            results.add(r);
            progress.phaseFinished(r);
        }
        return results;
    }

    private static boolean usesSecrets(SegmentJob job) {
        return job.graph().stages().stream().filter(s -> job.phases().contains(s.phase()))
                .flatMap(s -> s.operations().stream())
                .anyMatch(op -> op instanceof Operation.RunScript rs && !rs.secrets().isEmpty()
                        || op instanceof Operation.CloneRepo c && !c.secrets().isEmpty());
    }

    private BuildFailedException failure(SegmentJob job, SegmentTracker tracker, String error,
                                         Map<Phase, SegmentTracker.PhaseTiming> timings, BuildProgress progress) {
        SegmentTracker.Step step = tracker.failedStep();
        Phase phase = step != null ? step.stage().phase() : job.phases().iterator().next();
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
        Operation op = step.stage().operations().stream()
                .filter(o -> o instanceof Operation.RunScript rs && step.instruction().contains("source=" + rs.contextDir() + ","))
                .findFirst().orElse(null);
        return Failures.report(phase, step.stage(), op, step.instruction(), exit, lastLines, stepError != null ? stepError : error);
    }
}
