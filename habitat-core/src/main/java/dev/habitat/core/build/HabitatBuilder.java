package dev.habitat.core.build;

import dev.habitat.core.engine.EngineImages;
import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.PhaseHasher;
import dev.habitat.core.plan.Planner;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.registry.RegistryApi;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.secrets.MaskingProgress;
import dev.habitat.core.secrets.SecretMasking;
import dev.habitat.core.secrets.Secrets;
import dev.habitat.core.snapshot.Sharing;
import dev.habitat.core.snapshot.Snapshots;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    private final EngineImages engine;
    private final BuildProgress progress; // unmasked: builds with secrets wrap it
    private final BuildMethod method;
    private final ExternalInputResolver inputs;
    private final RegistryApi registryApi = new RegistryApi();

    public HabitatBuilder(EngineImages engine, BuildMethod method, BuildProgress progress) {
        this(engine, method, progress, new ExternalInputResolver());
    }

    /**
     * With {@code inputs} finding the external inputs and machine facts: a goal gives one already asking the remotes
     * ({@link ExternalInputResolver#askingRemotesNow}), tests give a machine of their own.
     */
    public HabitatBuilder(EngineImages engine, BuildMethod method, BuildProgress progress, ExternalInputResolver inputs) {
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
        return new StepsRunner(new BuildRun(engine, method, graph, options, progress, Instant.now()), inputs).run();
    }

    private void publishImage(List<BuildSummary> summaries, Sharing sharing, BuildProgress progress) {
        new PublishImageStep(engine, registryApi, progress).call(summaries, sharing);
    }

    /** Consecutive phases from start to target, each ending at a snapshot (verify and test join final). */
    public static List<Set<Phase>> segments(Phase start, Phase target) {
        return PhaseRanges.segments(start, target);
    }

    /** Phases up to {@code last} as reused, pulled or (verify, test) passed: see {@link PhaseRanges#reused}. */
    static List<PhaseResult> reused(Snapshots snapshots, Phase last, Set<Phase> pulled) {
        return PhaseRanges.reused(snapshots, last, pulled);
    }
}
