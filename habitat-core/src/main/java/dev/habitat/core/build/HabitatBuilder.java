package dev.habitat.core.build;

import dev.habitat.core.BuildMethodName;
import dev.habitat.core.HabitatException;
import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.engine.ContextTransfer;
import dev.habitat.core.engine.Engine;
import dev.habitat.core.engine.EngineHints;
import dev.habitat.core.engine.EngineUnavailableException;
import dev.habitat.core.engine.ImageTransfer;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.method.ContextTally;
import dev.habitat.core.method.EngineLostException;
import dev.habitat.core.method.MachineStepJob;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.PhaseHasher;
import dev.habitat.core.plan.Planner;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryApi;
import dev.habitat.core.registry.RegistryAuth;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.render.ContextStager;
import dev.habitat.core.render.DockerfileRenderer;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.BuildReport;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.report.CommandTimes;
import dev.habitat.core.report.CommandTiming;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.secrets.MaskingProgress;
import dev.habitat.core.secrets.SecretMasking;
import dev.habitat.core.secrets.Secrets;
import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Sharing;
import dev.habitat.core.snapshot.Snapshots;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds a habitat with a {@link BuildMethod} from the newest valid snapshot up to the target. BuildKit
 * builds all those phases in one request (its stages chained from that snapshot) and tags each phase's
 * snapshot as the phase ends; docker-exec commits one container per phase. Either way every snapshot is
 * exactly its predecessor plus its own steps, and a build resumes from the newest valid snapshot. verify and
 * test run before {@code 12-final} is tagged, so a final snapshot exists only when both passed. When the
 * final (or target) snapshot is valid, no build is started; a valid 12-final made for another machine (its
 * {@code habitat.machine.*} labels differ from this machine's {@link dev.habitat.core.plan.MachineFacts}) gets the
 * machine step alone. Both methods share this logic, so they skip, resume, regroup and rebuild alike.
 */
public final class HabitatBuilder {
    /** The first lines of the Dockerfile a build leaves in {@code target/habitat/<name>}. */
    public static final String BUILD_DOCKERFILE_NOTE = "# Written by habitat:build with this build's values. mvn habitat:generate-dockerfile writes it\n"
            + "# with the config's env as build args (docker build --build-arg NAME=value).\n";

    private final Engine engine;
    private final BuildProgress progress; // unmasked: builds with secrets wrap it
    private final BuildMethod method;
    private final ExternalInputResolver inputs;
    private final RegistryApi registryApi = new RegistryApi();

    public HabitatBuilder(Engine engine, BuildMethod method, BuildProgress progress) {
        this(engine, method, progress, new ExternalInputResolver());
    }

    /** With {@code inputs} finding the external inputs and machine facts (tests give a machine of their own). */
    HabitatBuilder(Engine engine, BuildMethod method, BuildProgress progress, ExternalInputResolver inputs) {
        this.engine = engine;
        this.method = method;
        this.progress = progress;
        this.inputs = inputs;
    }

    /** The phase hashes a build would compare with the snapshots: config plus external inputs. */
    public Map<Phase, PhaseHash> currentHashes(StageGraph graph, Path outputDirectory, Secrets secrets) {
        ExternalInputs external = inputs.resolve(graph.config(), engine, progress, secrets);
        return new PhaseHasher(outputDirectory).hash(graph, external);
    }

    /** Directory of this user's per-habitat build locks, shared by every build of theirs on this machine. */
    public static Path lockDirectory() {
        return BuildLock.userDirectory(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"));
    }

    /** Builds the habitat (every listed platform in turn); the summary of the last platform built. */
    public BuildSummary build(StageGraph graph, BuildOptions options) {
        List<BuildSummary> all = buildEach(graph, options);
        return all.get(all.size() - 1);
    }

    /**
     * Builds the habitat for each of its platforms in the order listed (the engine's own when none is listed), each with
     * its own hashes, snapshots, resume and report; then names and pushes the final image (one multi-platform image when
     * several platforms are listed). One summary per platform.
     */
    public List<BuildSummary> buildEach(StageGraph graph, BuildOptions options) {
        options.secrets().requireAllUsedBy(graph.config());
        if (options.secrets().isEmpty()) {
            return buildWithLock(graph, options, progress);
        }
        BuildProgress masked = new MaskingProgress(progress, options.secrets());
        try {
            return buildWithLock(graph, options, masked);
        } catch (BuildFailedException e) {
            throw e.masked(options.secrets()::mask);
        } catch (RuntimeException e) {
            throw SecretMasking.masked(e, options.secrets()::mask);
        }
    }

    private List<BuildSummary> buildWithLock(StageGraph graph, BuildOptions options, BuildProgress progress) {
        try (BuildLock lock = BuildLock.acquire(lockDirectory(), graph.config().name(), Duration.ofHours(2), progress)) {
            List<Platform> platforms = graph.config().platforms();
            if (platforms.isEmpty()) {
                BuildSummary summary = buildLocked(graph, options, progress);
                publishImage(List.of(summary), options.sharing(), progress);
                return List.of(summary);
            }
            Platforms.requireBuildable(platforms, engine);
            List<BuildSummary> summaries = new ArrayList<>();
            for (Platform p : platforms) {
                progress.info("habitat: platform " + p + (p.equals(engine.platform()) ? " (the engine's own)" : " (emulated)"));
                summaries.add(buildLocked(new Planner().plan(graph.config().forPlatform(p)), options, progress).forPlatform(p));
            }
            publishImage(summaries, options.sharing(), progress);
            return summaries;
        }
    }

    private BuildSummary buildLocked(StageGraph graph, BuildOptions options, BuildProgress progress) {
        Instant t0 = Instant.now();
        HabitatConfig config = graph.config();
        progress.info("habitat: engine " + engine.ping() + " at " + engine.address());
        ExternalInputs external = inputs.resolve(config, engine, progress, options.secrets());
        // the platform enters the hashes resolved; only another platform than the engine's own is asked of the engine
        Platform platform = config.platform() != null ? config.platform() : engine.platform();
        Platform asked = platform.equals(engine.platform()) ? null : platform;
        if (asked != null) {
            external = external.forPlatform(platform, config.base().image() == null ? Optional.empty()
                    : engine.contentIdentity(config.base().image(), platform));
        }
        Map<Phase, PhaseHash> hashes = new PhaseHasher(options.outputDirectory()).hash(graph, external);
        Snapshots snapshots = new Snapshots(config.imageRepository(), config.platform(), hashes, engine::inspectImage);
        Phase target = options.target();

        // rebuildFrom resumes from the newest valid snapshot before that phase, never after it
        Phase resumeLimit = options.rebuildFrom() == null ? target : options.rebuildFrom().previous();
        Optional<Phase> resume = options.rebuildAll() || resumeLimit == null ? Optional.empty() : snapshots.newestValid(resumeLimit);
        Path outDir = outputOf(config, options);
        SharedSnapshots shared = sharedSnapshots(config, hashes, platform, asked, options.sharing(), progress);
        Set<Phase> pulled = Set.of();
        if (shared != null && !options.rebuildAll() && resumeLimit != null && resume.orElse(null) != resumeLimit) {
            SharedSnapshots.Pulled fromRegistry = shared.pullNewer(resumeLimit, resume, snapshots);
            if (fromRegistry.newest().isPresent()) {
                resume = fromRegistry.newest();
                pulled = fromRegistry.phases();
            }
        }
        if (resume.isPresent() && resume.get() == target) {
            // a 12-final whose content is current but made for another machine (pulled from a teammate, or the socket's
            // group changed since) gets the machine step alone: no phase is rebuilt, verify and test do not run again
            List<String> otherMachine = target == Phase.FINAL ? snapshots.machineDifferences(target, external.machine()) : List.of();
            if (!otherMachine.isEmpty()) {
                return applyMachineStep(graph, options, progress, snapshots, pulled, external, otherMachine, shared, asked, t0);
            }
            progress.info("habitat: " + snapshots.tag(target) + " is up to date; nothing to build");
            BuildSummary summary = new BuildSummary(config.name(), reused(snapshots, target, pulled), true,
                    Duration.between(t0, Instant.now()), snapshots.tag(target));
            report(outDir, config, t0, true, summary.phases(), List.of(), null, null, progress);
            pushSnapshots(shared, snapshots, summary, options.sharing(), progress);
            return summary;
        }
        Phase start = resume.map(r -> Phase.values()[r.ordinal() + 1]).orElse(Phase.BASE);
        if (options.rebuildAll()) {
            progress.info("habitat: rebuilding every phase (habitat.rebuild)");
        } else if (options.rebuildFrom() != null && options.rebuildFrom() == start) {
            progress.info("habitat: rebuilding from " + start.tagSuffix() + " (habitat.rebuildFrom)");
        } else {
            Optional<Phase> changed = snapshots.firstChanged(start, target);
            if (changed.isEmpty()) {
                progress.info("habitat: nothing changed; " + phaseList(start, target) + (start == target
                        ? " has no snapshot of its own and runs" : " have no snapshot of their own and run")
                        + " in every build that ends at " + target.tagSuffix());
            } else {
                Phase c = changed.get();
                progress.info("habitat: first stale phase is " + c.tagSuffix() + ": " + snapshots.whyStale(c)
                        + (c == start ? "" : " (" + phaseList(start, c.previous()) + " run again before it)"));
            }
        }
        resume.ifPresent(r -> progress.info("habitat: resuming from snapshot " + snapshots.tag(r)));
        resume.filter(r -> !method.name().equals(snapshots.image(r).map(i -> i.labels().get(SnapshotLabels.LABEL_METHOD)).orElse(method.name())))
                .ifPresent(r -> progress.info("habitat: " + snapshots.tag(r) + " was made by the "
                        + snapshots.image(r).get().labels().get(SnapshotLabels.LABEL_METHOD) + " method; its hashes match, so this "
                        + method.name() + " build starts from it instead of rebuilding the phases before it"));
        List<PhaseResult> results = new ArrayList<>(start == Phase.BASE ? List.of() : reused(snapshots, start.previous(), pulled));

        // the Dockerfile left beside the context has this build's values; generate-dockerfile writes it with build args
        BuildContext context = new ContextStager().stage(graph, BUILD_DOCKERFILE_NOTE + new DockerfileRenderer().render(graph, hashes),
                outDir, options.outputDirectory());
        ContextStager.largeContextWarning(context.bytes()).ifPresent(progress::warn);
        Phase noCacheFrom = options.rebuildAll() ? Phase.BASE : options.rebuildFrom();
        Map<String, String> buildArgs = buildArgs(external, config);
        String network = options.network() != null ? options.network() : config.network();
        String from = resume.map(snapshots::tag).orElse(null);
        String finalImage = null;
        BuildMethod runner = methodToResume(resume, pulled, snapshots, shared, progress);
        progress.info("habitat: build method " + runner.name());
        ContextTally contextSent = new ContextTally();
        CommandTimes commandTimes = new CommandTimes(progress, Clock.systemUTC());
        List<Set<Phase>> jobs = runner.buildsSeveralSnapshotsPerJob() ? List.of(range(start, target)) : segments(start, target);
        for (Set<Phase> segment : jobs) {
            Phase last = SegmentJob.lastOf(segment);
            boolean noCache = noCacheFrom != null && segment.stream().anyMatch(p -> p.id() >= noCacheFrom.id());
            SegmentJob job = new SegmentJob(graph, hashes, context, segment, from, last.snapshotted() ? snapshots.tag(last) : null,
                    buildArgs, network, noCache, options.outputDirectory(), options.secrets(), contextSent, asked);
            try {
                results.addAll(runner.run(job, commandTimes));
            } catch (BuildFailedException e) {
                // No snapshot of the failed phase or a later one outlives a failure (a failed test leaves no 12-final).
                for (Phase p : Phase.values()) {
                    if (e.phase() != null && p.id() >= e.phase().id() && p.snapshotted()) {
                        engine.removeTag(snapshots.tag(p));
                    }
                }
                if (e.phase() != null) {
                    // the method's record of the failed phase (its real duration), else one of ours
                    results.add(e.recorded().orElseGet(() -> new PhaseResult(e.phase(), PhaseResult.Status.FAILED, Duration.ZERO, null, null)));
                }
                BuildFailedException failure = EngineHints.forFailure(e.getMessage(), engine.info()).map(e::withWayOut).orElse(e);
                report(outDir, config, t0, false, results, commandTimes.timings(), options.secrets().mask(failure.getMessage()),
                        contextSent.total(), progress);
                throw failure;
            } catch (RuntimeException e) {
                // a commit only happens at the end of a segment and BuildKit cancels a build whose client is gone, so
                // when the engine went away nothing of this segment was tagged but what the method says it kept
                throw methodFailure(e, e instanceof EngineLostException lost && lost.phase() != null ? lost.phase() : SegmentJob.lastOf(segment),
                        e instanceof EngineLostException lost && lost.kept() != null ? lost.kept() : from);
            }
            for (Phase p : segment) {
                if (p.snapshotted()) {
                    snapshots.forget(p);
                    from = snapshots.tag(p);
                    finalImage = from;
                }
            }
        }
        BuildSummary summary = new BuildSummary(config.name(), results, false, Duration.between(t0, Instant.now()), finalImage);
        report(outDir, config, t0, false, results, commandTimes.timings(), null, contextSent.total(), progress);
        pushSnapshots(shared, snapshots, summary, options.sharing(), progress);
        return summary;
    }

    /**
     * The method that builds on {@code resume}. On the containerd image store a snapshot pulled from a registry may lack
     * the blobs of its lower layers: the store leaves out of a pull the layers it has unpacked already (the base loaded
     * or built here), and a BuildKit build on such an image fetches them, when it exports, from the registry its FROM
     * name points to (docker.io for a local tag), and fails. A build that resumes from a snapshot standing on pulled
     * layers (pulled now or by an earlier build: its id is the registry's manifest digest; or made here by docker-exec,
     * which is how such a build continues) therefore runs with the method's {@link BuildMethod#onPulledLayers() counterpart for pulled layers} (docker-exec: containers and commits need
     * only the unpacked layers). The snapshots it makes have the same content and hashes.
     */
    private BuildMethod methodToResume(Optional<Phase> resume, Set<Phase> pulled, Snapshots snapshots, SharedSnapshots shared,
                                       BuildProgress progress) {
        if (resume.isEmpty() || !engine.containerdImageStore() || method.onPulledLayers() == method) {
            return method;
        }
        Phase r = resume.get();
        // pulled layers exist only where the habitat shares through a registry: without one, a docker-exec snapshot
        // (exec-equivalence, migrate-snapshots) stands on this engine's own layers and BuildKit resumes from it
        boolean onPulledLayers = pulled.contains(r) || shared != null
                && (snapshots.image(r).map(i -> BuildMethodName.DOCKER_EXEC.id().equals(i.labels().get(SnapshotLabels.LABEL_METHOD))).orElse(false)
                || shared.pulledFromRegistry(r, snapshots));
        BuildMethod runner = onPulledLayers ? method.onPulledLayers() : method;
        if (runner != method) {
            progress.info("habitat: " + snapshots.tag(r) + " stands on layers pulled into the containerd image store, which keeps "
                    + "no compressed copy of the layers it had already: the phases after it are built with the " + runner.name()
                    + " method (a BuildKit build there would fetch those layers from the registry of the FROM name)");
        }
        return runner;
    }

    /**
     * The machine step alone on a 12-final whose hashes are current and whose machine labels differ from this machine's
     * facts; the result is tagged 12-final (the one it started from keeps its tag if the step fails: its content is
     * current). The report gives 12-final the status {@code regrouped}, and the phases before it as reused or pulled.
     */
    private BuildSummary applyMachineStep(StageGraph graph, BuildOptions options, BuildProgress progress, Snapshots snapshots,
                                          Set<Phase> pulled, ExternalInputs external, List<String> otherMachine,
                                          SharedSnapshots shared, Platform asked, Instant t0) {
        HabitatConfig config = graph.config();
        String tag = snapshots.tag(Phase.FINAL);
        Path outDir = outputOf(config, options);
        progress.info("habitat: " + tag + " has the current hashes but was made for another machine (" + String.join(", ", otherMachine)
                + "): applying only the machine step (the docker socket's group) with the " + method.name() + " method; no phase is rebuilt");
        List<PhaseResult> results = new ArrayList<>(reused(snapshots, Phase.TEST, pulled));
        String network = options.network() != null ? options.network() : config.network();
        MachineStepJob job = new MachineStepJob(graph, tag, tag, external.machine().buildArgs(), network, options.outputDirectory(), asked);
        PhaseResult finalResult;
        try {
            finalResult = method.applyMachineStep(job, progress);
        } catch (BuildFailedException e) {
            results.add(e.recorded().orElseGet(() -> new PhaseResult(Phase.FINAL, PhaseResult.Status.FAILED, Duration.ZERO, null, null)));
            report(outDir, config, t0, false, results, List.of(), options.secrets().mask(e.getMessage()), null, progress);
            throw e;
        } catch (RuntimeException e) {
            throw methodFailure(e, Phase.FINAL, tag); // the 12-final it started from keeps its tag
        }
        snapshots.forget(Phase.FINAL);
        results.add(finalResult);
        BuildSummary summary = new BuildSummary(config.name(), results, false, Duration.between(t0, Instant.now()), tag);
        report(outDir, config, t0, false, results, List.of(), null, null, progress);
        pushSnapshots(shared, snapshots, summary, options.sharing(), progress);
        return summary;
    }

    /**
     * A build method's failure other than a failed step, as the user gets it: the habitat's own (config, parameters) and
     * an unavailable engine as they are; while the engine still answers, {@link #engineFailure}; when it went away, that
     * it was lost while building {@code building}, and the newest snapshot {@code kept} (null: none).
     */
    private RuntimeException methodFailure(RuntimeException e, Phase building, String kept) {
        if (e instanceof EngineUnavailableException || e instanceof HabitatException h && h.kind() == HabitatException.Kind.HABITAT) {
            return e;
        }
        if (engine.responds()) {
            return engineFailure(e, building);
        }
        return new EngineUnavailableException("habitat: lost the Docker engine at " + engine.host() + " while building "
                + building.tagSuffix() + " (" + Engine.rootCause(e) + "). "
                + (kept == null ? "No snapshot was kept" : "Snapshots up to " + kept + " are kept")
                + " and nothing later was tagged: start the engine again (or restore the connection) and run the "
                + "build again to resume.", e);
    }

    /**
     * A request that failed while the engine still answers, as one message: the phase, the engine and its own words,
     * and the way out (a known engine difference's, else where to look). Never the client library's exception.
     */
    private HabitatException engineFailure(RuntimeException e, Phase building) {
        Throwable failed = e instanceof EngineLostException ? e.getCause() : e;
        // the engine's words as the engine layer worded them, else the root cause's
        String cause = failed instanceof HabitatException ? failed.getMessage() : Engine.rootCause(failed);
        Optional<String> wayOut = EngineHints.forFailure(cause, engine.info());
        String engineName = engine.ping() + " at " + engine.host();
        return HabitatException.ofEnvironment("habitat: building " + building.tagSuffix() + " failed on " + engineName + ": "
                + cause + "\n  way out: " + wayOut.orElse(e instanceof HabitatException
                ? "fix what the message names and build again; the snapshots before " + building.tagSuffix() + " are kept"
                : "the engine's log says why it refused (journalctl -u docker, or the output of 'podman system service'); "
                + "-X shows each request. Build again to resume from the snapshots before " + building.tagSuffix()), e);
    }

    /** The registry side of a build, or null when no registry is set (the Mojo parameter wins over the config key). */
    private SharedSnapshots sharedSnapshots(HabitatConfig config, Map<Phase, PhaseHash> hashes, Platform platform, Platform asked,
                                            Sharing sharing, BuildProgress progress) {
        ImageReference registry = sharing.registry() != null ? sharing.registry()
                : config.registry() == null ? null : ImageReference.parse(config.registry(), false);
        return registry == null ? null
                : new SharedSnapshots(engine, registry, config.imageRepository(), hashes, platform, asked, sharing.credentials(), progress);
    }

    /** {@code target/habitat/<name>}, and {@code target/habitat/<name>/<os>-<arch>} for each listed platform. */
    private static Path outputOf(HabitatConfig config, BuildOptions options) {
        Path dir = options.outputDirectory().resolve(config.name());
        return config.platform() == null ? dir : dir.resolve(config.platform().tagPart());
    }

    /**
     * After a build that ended well: with push, the snapshots it made or reused go to the registry (those it pulled
     * are there already); the final image gets the user's name, and with push goes to that name's registry.
     * 12-final goes as it is here, its content with this machine's step on top, under its tag of the machine-independent
     * hash. That tag is put once (a later push of the same content, from any machine, finds it there and sends nothing),
     * and whoever pulls it applies their own machine step on it ({@link #applyMachineStep}).
     */
    private void pushSnapshots(SharedSnapshots shared, Snapshots snapshots, BuildSummary summary, Sharing sharing, BuildProgress progress) {
        if (sharing.push() && shared != null) {
            List<Phase> toPush = summary.phases().stream()
                    .filter(r -> r.snapshot() != null && r.status() != PhaseResult.Status.PULLED && r.status() != PhaseResult.Status.FAILED)
                    .map(PhaseResult::phase).toList();
            if (!toPush.isEmpty()) {
                progress.info("habitat: pushing " + toPush.size() + " snapshot(s) to " + shared.host());
                shared.push(toPush, snapshots);
            }
        }
    }

    /**
     * The final image under the user's name ({@link Sharing#image}), pushed with push. With several platforms each
     * platform's final image is named {@code <name>-<os>-<arch>} (the engine's own also {@code <name>}), and with push
     * they go to the registry and {@link MultiPlatformImage} puts one index under {@code <name>} that lists them all.
     */
    private void publishImage(List<BuildSummary> summaries, Sharing sharing, BuildProgress progress) {
        if (sharing.image() == null) {
            return;
        }
        for (BuildSummary summary : summaries) {
            if (summary.finalImage() == null || !summary.finalImage().contains(":" + Phase.FINAL.tagSuffix())) {
                progress.warn("habitat: the build stopped before " + Phase.FINAL.tagSuffix() + ", so " + sharing.image() + " was not tagged");
                return;
            }
        }
        String name = sharing.image().tag() == null ? sharing.image().withTag("latest").name() : sharing.image().name();
        if (summaries.size() > 1 || summaries.get(0).platform() != null) {
            new MultiPlatformImage(engine, registryApi, progress).publish(summaries, ImageReference.parse(name, true), sharing);
            return;
        }
        BuildSummary summary = summaries.get(0);
        engine.tag(summary.finalImage(), name);
        progress.info("habitat: tagged " + summary.finalImage() + " as " + name);
        if (sharing.push()) {
            RegistryAuth auth = sharing.credentials().apply(sharing.image().host());
            ImageTransfer.TransferResult r = engine.push(name, auth);
            if (!r.ok()) {
                throw SharedSnapshots.failedPush(auth, name, r, ". The image and the snapshots stay valid locally: run the build again to push.");
            }
            progress.info("habitat: pushed " + name);
        }
    }

    /** Writes report.json and report.html and says where; a report that cannot be written only warns. */
    private void report(Path dir, HabitatConfig config, Instant t0, boolean upToDate, List<PhaseResult> results,
                        List<CommandTiming> commands, String failure, ContextTransfer context, BuildProgress progress) {
        // each listed platform's phases have a report of their own, titled with the platform
        String habitat = config.name() + (config.platform() == null ? "" : " for " + config.platform());
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (PhaseResult r : results) {
            if (r.snapshot() != null) {
                engine.inspectImage(r.snapshot()).ifPresent(i -> sizes.put(r.snapshot(), i.size()));
            }
        }
        try {
            Path html = new BuildReport(habitat, method.name(), t0, Instant.now(), upToDate, results, commands, sizes, failure, context)
                    .write(dir);
            progress.info("habitat: report " + html.toUri());
        } catch (UncheckedIOException e) {
            progress.warn(e.getMessage());
        }
    }

    /** {@code 10-verify and 11-test}: the phases from start to last, for a log line. */
    private static String phaseList(Phase start, Phase last) {
        return range(start, last).stream().map(Phase::tagSuffix).collect(Collectors.joining(" and "));
    }

    static Set<Phase> range(Phase start, Phase target) {
        Set<Phase> all = EnumSet.noneOf(Phase.class);
        for (Phase p : Phase.values()) {
            if (p.id() >= start.id() && p.id() <= target.id()) {
                all.add(p);
            }
        }
        return all;
    }

    /** Consecutive phases from start to target, each ending at a snapshot (verify and test join final). */
    public static List<Set<Phase>> segments(Phase start, Phase target) {
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

    /**
     * Phases up to {@code last}, reported as reused from their snapshots, or as pulled when the registry gave them;
     * verify and test, which have no snapshot, as passed (12-final exists only when both passed as it was built).
     */
    static List<PhaseResult> reused(Snapshots snapshots, Phase last, Set<Phase> pulled) {
        List<PhaseResult> out = new ArrayList<>();
        for (Phase p : Phase.values()) {
            if (p.id() <= last.id()) {
                // a phase may have no snapshot of its own here (a later one pulled from a registry holds its layers)
                Optional<String> id = snapshots.image(p).map(i -> i.id());
                PhaseResult.Status status = !p.snapshotted() ? PhaseResult.Status.PASSED
                        : pulled.contains(p) ? PhaseResult.Status.PULLED : PhaseResult.Status.SNAPSHOT;
                out.add(new PhaseResult(p, status, Duration.ZERO, id.orElse(null), id.isPresent() ? snapshots.tag(p) : null));
            }
        }
        return out;
    }

    private static Map<String, String> buildArgs(ExternalInputs external, HabitatConfig config) {
        Map<String, String> args = new LinkedHashMap<>(config.base().buildArgs());
        args.putAll(external.machine().buildArgs()); // read by the machine step only, at the end of 12-final
        for (int i = 0; i < config.repos().size(); i++) {
            int index = i;
            external.repoRevision(i).ifPresent(rev -> args.put(Planner.repoRevisionArg(index), rev));
        }
        return args;
    }

}
