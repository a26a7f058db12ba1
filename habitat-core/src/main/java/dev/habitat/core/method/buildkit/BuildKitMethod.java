package dev.habitat.core.method.buildkit;

import dev.habitat.core.BuildMethodName;
import dev.habitat.core.HabitatException;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.ContextTar;
import dev.habitat.core.engine.ContextTransfer;
import dev.habitat.core.engine.Engine;
import dev.habitat.core.engine.EngineSession;
import dev.habitat.core.engine.SessionRefusedException;
import dev.habitat.core.engine.SyncedDir;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.method.EngineLostException;
import dev.habitat.core.method.Failures;
import dev.habitat.core.method.MachineStepJob;
import dev.habitat.core.method.PhaseRecorder;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.method.exec.ExecMethod;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.render.DockerfileRenderer;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.report.StageTiming;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default method: the phases to build are rendered as one Dockerfile starting {@code FROM} the newest
 * valid snapshot and built by the engine's BuildKit in one {@code POST /build?version=2} request (so side
 * stages run concurrently and nothing waits for an image export between phases); the snapshot of each
 * phase is tagged from BuildKit's cache as soon as the phase is done. A phase whose steps BuildKit already
 * has reports as cached. The context holds only what those phases use; the engine pulls it through the
 * build's BuildKit session, and gets it as a tar body only when it has no sessions.
 */
public final class BuildKitMethod implements BuildMethod {
    public static final String NAME = BuildMethodName.BUILDKIT.id();
    private static final Pattern EXIT = Pattern.compile("exit code: (\\d+)");

    /** The names the Dockerfile frontend asks a session for: the build context and the Dockerfile's directory. */
    static final String CONTEXT_DIR = "context";
    static final String DOCKERFILE_DIR = "dockerfile";

    private final Engine engine;
    private final DockerfileRenderer renderer = new DockerfileRenderer();

    public BuildKitMethod(Engine engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** docker-exec: a container from the pulled snapshot and commits need only its unpacked layers. */
    @Override
    public BuildMethod onPulledLayers() {
        return new ExecMethod(engine, this);
    }

    /** One request builds every phase to the target, so BuildKit sees the whole graph and runs what it can at once. */
    @Override
    public boolean buildsSeveralSnapshotsPerJob() {
        return true;
    }

    @Override
    public List<PhaseResult> run(SegmentJob job, BuildProgress progress) {
        Phase last = job.last();
        String dockerfile = renderer.render(job.graph(), job.hashes(), job.phases(), job.fromImage());
        Set<String> roots = new LinkedHashSet<>(List.of(".dockerignore"));
        Phase chain = DockerfileRenderer.sideChainEnd(job.graph(), job.phases());
        for (Stage s : job.graph().stages()) {
            if (job.phases().contains(s.phase()) || chain != null && s.phase().id() <= chain.id()) {
                for (Operation op : s.operations()) {
                    op.contextPath().ifPresent(roots::add);
                }
            }
        }
        String buildId = "habitat-" + UUID.randomUUID();
        Thread cancel = new Thread(() -> engine.withOwnConnection(e -> e.cancelBuild(buildId)), "habitat-cancel-build");
        Instant started = Instant.now();
        BuildOutcome outcome;
        Path tar = null;
        EngineSession session = null;
        SnapshotTagger tagger = null;
        SegmentTracker tracker;
        PhaseRecorder recorder = new PhaseRecorder(progress);
        try {
            byte[] dockerfileBytes = dockerfile.getBytes(StandardCharsets.UTF_8);
            session = openSession(job, roots, dockerfileBytes, progress);
            if (session == null) {
                tar = job.outputDirectory().resolve("." + job.graph().config().name() + "-" + UUID.randomUUID() + ".tar");
                long bytes = ContextTar.write(job.context().directory(), roots, Map.of("Dockerfile", dockerfileBytes), tar);
                job.contextSent().add(new ContextTransfer(ContextTransfer.Route.TAR, bytes, 0, 0, 0));
            }
            String sessionId = session == null ? null : session.id();
            tagger = new SnapshotTagger(job, tar, sessionId);
            tracker = new SegmentTracker(job.graph(), job.phases(), progress, recorder, tagger::phaseDone);
            Runtime.getRuntime().addShutdownHook(cancel);
            List<String> tags = job.tag() == null ? List.of() : List.of(job.tag());
            try {
                outcome = engine.build(new BuildRequest(tar, job.graph().lastStageOf(last).name(), tags, job.buildArgs(),
                        Map.of(SnapshotLabels.LABEL_METHOD, NAME), job.network(), job.noCache(), buildId, sessionId, job.platform()), tracker);
            } catch (RuntimeException e) {
                tagger.finish(); // tags already requested land if the engine still answers
                throw new EngineLostException(tracker.latestStarted(), tagger.newestTag(), e);
            }
            // every snapshot before the failed phase (or all of them) gets its tag, from BuildKit's cache
            Phase failedPhase = outcome.failed() && tracker.failedStep() != null ? tracker.failedStep().stage().phase() : null;
            for (Phase p : job.phases()) {
                if (p != last && (failedPhase == null ? !outcome.failed() : p.id() < failedPhase.id())) {
                    tagger.phaseDone(p);
                }
            }
            tagger.finish();
        } finally {
            if (tagger != null) {
                tagger.stop();
            }
            if (session != null) {
                ContextTransfer sent = session.transferred();
                session.close();
                job.contextSent().add(sent);
                progress.debug("habitat: context " + sent.describe());
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cancel);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it cancels the build
            }
            if (tar != null) {
                try {
                    Files.deleteIfExists(tar);
                } catch (IOException ignored) {
                    // a temp file in target/: harmless
                }
            }
        }
        Instant ended = Instant.now();
        Map<Phase, SegmentTracker.PhaseTiming> timings = tracker.timings();
        if (outcome.failed()) {
            throw failure(job, tracker, outcome.error(), timings, recorder);
        }
        tagger.problems().forEach(progress::warn);
        List<PhaseResult> results = new ArrayList<>();
        Map<Phase, List<StageTiming>> stages = tracker.stageTimings();
        for (Phase p : job.phases()) {
            SegmentTracker.PhaseTiming t = timings.get(p);
            boolean cached = !job.noCache() && t.cached();
            List<StageTiming> st = stages.getOrDefault(p, List.of());
            Instant start = st.stream().map(StageTiming::start).min(Instant::compareTo).orElse(started);
            Instant end = p == last ? ended : st.stream().map(StageTiming::end).max(Instant::compareTo).orElse(start);
            tracker.ensureStarted(p);
            String snapshot = p == last ? job.tag() : tagger.tagged(p);
            st.forEach(stageTiming -> recorder.stageDone(p, stageTiming));
            results.add(recorder.finished(p, cached ? PhaseResult.Status.CACHED : PhaseResult.Status.BUILT,
                    p == last ? outcome.imageId() : tagger.imageId(p), snapshot, start, end));
        }
        return results;
    }

    /**
     * The machine step alone: a one-stage Dockerfile FROM the 12-final made for another machine (ARG, the RUN, the
     * label), built in one small request and tagged 12-final. The request sends no context but the Dockerfile, through
     * a session (a tar body where the engine refuses sessions, as for any build).
     *
     * <p>On the containerd image store a pulled image's layers may be only in the registry (the store skips blobs it
     * does not need to unpack), and BuildKit would fetch them from the FROM name's registry (docker.io for a local
     * name): there the step runs as docker-exec does it (a container from the image, one exec, one commit), which
     * needs only the unpacked image and gives the same file system.
     */
    @Override
    public PhaseResult applyMachineStep(MachineStepJob job, BuildProgress progress) {
        if (engine.containerdImageStore() || job.platform() != null) {
            progress.debug("habitat: containerd image store: the machine step runs in a container (exec and commit), not "
                    + "as a BuildKit build on the pulled image");
            return new ExecMethod(engine, this).applyMachineStep(job, progress);
        }
        byte[] dockerfile = renderer.renderMachineStep(job.graph(), job.image()).getBytes(StandardCharsets.UTF_8);
        Path workDir = job.outputDirectory().resolve(job.graph().config().name());
        Stage finalStage = job.graph().lastStageOf(Phase.FINAL);
        String stage = finalStage.name();
        PhaseRecorder recorder = new PhaseRecorder(progress);
        PhaseRecorder.StepLines lines = recorder.step(finalStage);
        recorder.started(Phase.FINAL);
        Instant start = recorder.startOf(Phase.FINAL);
        BuildOutcome outcome = DockerfileOnlyBuild.run(engine, workDir, job.graph().config().name() + "-machine-step", dockerfile,
                (tar, sessionId) -> new BuildRequest(tar, stage, List.of(job.tag()), job.buildArgs(), Map.of(SnapshotLabels.LABEL_METHOD, NAME),
                        job.network(), false, null, sessionId, job.platform()), status -> status.logs().forEach(l -> {
                            for (String line : l.text().split("\n")) {
                                if (!line.isBlank()) {
                                    lines.accept(line);
                                }
                            }
                        }));
        if (outcome.failed()) {
            Matcher em = EXIT.matcher(outcome.error());
            Operation step = job.graph().machineStep().stream().filter(o -> o instanceof Operation.RunCommand).findFirst().orElse(null);
            throw recorder.failed(Failures.report(Phase.FINAL, finalStage, step,
                    step instanceof Operation.RunCommand r ? r.command() : "machine step", em.find() ? Integer.parseInt(em.group(1)) : null,
                    lines.last(), outcome.error()));
        }
        Instant end = Instant.now();
        recorder.stageDone(Phase.FINAL, new StageTiming(stage + " (machine step)", start, end, false));
        return recorder.finished(Phase.FINAL, PhaseResult.Status.REGROUPED, outcome.imageId(), job.tag(), start, end);
    }

    /** The local sources a build request names: {@code context} (the roots of the directory) and the Dockerfile. */
    static Map<String, SyncedDir> sessionDirs(Path contextDir, Collection<String> roots, byte[] dockerfile) {
        return Map.of(CONTEXT_DIR, SyncedDir.of(CONTEXT_DIR, contextDir, roots, Map.of()),
                DOCKERFILE_DIR, SyncedDir.of(DOCKERFILE_DIR, contextDir, List.of(), Map.of("Dockerfile", dockerfile)));
    }

    /**
     * The session that serves this job's context (the staged roots and the rendered Dockerfile) and the secrets
     * the habitat declares (no other: not registry passwords, not secrets given for another habitat),
     * keyed by the habitat so the engine sends only what changed since its last build. Null when the engine
     * refuses sessions: the context then goes as a tar body, which cannot carry secrets.
     */
    private EngineSession openSession(SegmentJob job, Set<String> roots, byte[] dockerfile, BuildProgress progress) {
        Path contextDir = job.context().directory();
        Map<String, SyncedDir> dirs = sessionDirs(contextDir, roots, dockerfile);
        try {
            EngineSession session = engine.openSession(job.graph().config().name(),
                    EngineSession.sharedKey(job.graph().config().name(), contextDir),
                    job.secrets().declaredBy(job.graph().config())::lookup, dirs);
            progress.debug("habitat: the context goes through BuildKit session " + session.id() + " (FileSync)");
            return session;
        } catch (SessionRefusedException refused) {
            if (usesSecrets(job)) {
                throw HabitatException.ofEnvironment(refused.getMessage() + ". This habitat uses secrets, which only a session "
                        + "can pass: use -Dhabitat.buildMethod=docker-exec on this engine.", refused);
            }
            progress.debug("habitat: " + refused.getMessage() + "; the context goes as a tar body");
            return null;
        }
    }

    /**
     * Tags the snapshot of each phase of a multi-phase request as soon as the phase is done (a later main-line
     * phase started): one small request per snapshot, for that phase's last stage, which BuildKit answers from
     * the cache the running build just filled. They run one at a time beside the build, so a build that is
     * killed or fails keeps the snapshots of every phase that finished.
     */
    private final class SnapshotTagger {
        private final SegmentJob job;
        private final Path tar;
        private final String sessionId;
        private final ExecutorService queue = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "habitat-tag-snapshots");
            t.setDaemon(true);
            return t;
        });
        private final Set<Phase> requested = EnumSet.noneOf(Phase.class);
        private final Map<Phase, String> imageIds = new ConcurrentHashMap<>();
        private final List<String> problems = new CopyOnWriteArrayList<>();

        SnapshotTagger(SegmentJob job, Path tar, String sessionId) {
            this.job = job;
            this.tar = tar;
            this.sessionId = sessionId;
        }

        /** Called from the build stream's thread; requests the tag once per snapshotted phase of the segment. */
        synchronized void phaseDone(Phase phase) {
            if (!phase.snapshotted() || phase == job.last() || !job.phases().contains(phase) || !requested.add(phase)) {
                return;
            }
            String tag = job.tagOf(phase);
            queue.submit(() -> {
                BuildOutcome out = engine.build(new BuildRequest(tar, job.graph().lastStageOf(phase).name(), List.of(tag),
                        job.buildArgs(), Map.of(SnapshotLabels.LABEL_METHOD, NAME), job.network(), false, null, sessionId, job.platform()), status -> { });
                if (out.failed()) {
                    problems.add("habitat: could not tag the snapshot " + tag + " (" + out.error() + "); the next build rebuilds it");
                } else {
                    imageIds.put(phase, out.imageId());
                }
            });
        }

        void finish() {
            queue.shutdown();
            try {
                if (!queue.awaitTermination(10, TimeUnit.MINUTES)) {
                    problems.add("habitat: tagging snapshots took over 10 minutes; the next build tags the rest");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            queue.shutdownNow();
        }

        /** The tag of the latest phase tagged so far, or null. */
        String newestTag() {
            return imageIds.keySet().stream().max(Phase::compareTo).map(job::tagOf).orElse(null);
        }

        String tagged(Phase p) {
            return imageIds.containsKey(p) ? job.tagOf(p) : null;
        }

        String imageId(Phase p) {
            return imageIds.get(p);
        }

        List<String> problems() {
            return problems;
        }
    }

    private static boolean usesSecrets(SegmentJob job) {
        return job.graph().stages().stream().filter(s -> job.phases().contains(s.phase()))
                .flatMap(s -> s.operations().stream())
                .anyMatch(op -> op instanceof Operation.RunScript rs && !rs.secrets().isEmpty()
                        || op instanceof Operation.CloneRepo c && !c.secrets().isEmpty());
    }

    private BuildFailedException failure(SegmentJob job, SegmentTracker tracker, String error,
                                         Map<Phase, SegmentTracker.PhaseTiming> timings, PhaseRecorder recorder) {
        SegmentTracker.Step step = tracker.failedStep();
        Phase phase = step != null ? step.stage().phase() : job.phases().iterator().next();
        // the time the trace gives the failed phase, recorded once
        Duration ran = timings.getOrDefault(phase, new SegmentTracker.PhaseTiming(Duration.ZERO, false)).duration();
        if (step == null) {
            return recorder.failed(new BuildFailedException(phase, null, null, null, null, List.of(), error), ran);
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
        return recorder.failed(Failures.report(phase, step.stage(), op, step.instruction(), exit, lastLines,
                stepError != null ? stepError : error), ran);
    }
}
