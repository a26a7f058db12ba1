package dev.habitat.core.method.exec;

import dev.habitat.core.BuildMethodName;
import dev.habitat.core.Platform;
import dev.habitat.core.HabitatException;
import dev.habitat.core.Phase;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.config.VolumeSpec;
import dev.habitat.core.engine.ContextTar;
import dev.habitat.core.engine.Engine;
import dev.habitat.core.engine.ImageConfig;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.method.Failures;
import dev.habitat.core.method.MachineStepJob;
import dev.habitat.core.method.PhaseRecorder;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.plan.CacheMount;
import dev.habitat.core.plan.CopySource;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.Planner;
import dev.habitat.core.plan.Shell;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.plan.StepScripts;
import dev.habitat.core.render.DockerfileSyntax;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.report.StageTiming;
import dev.habitat.core.secrets.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The legacy method, kept for parity and as a fallback: a container runs from the previous snapshot, each
 * operation of the stage graph is carried out in it (scripts through {@code docker exec} as their user,
 * judged by exit code; files through the archive API with owner and mode; env, workdir, user, entrypoint,
 * cmd and labels applied at commit), and the container is committed as the segment's snapshot. It
 * interprets the same operations the BuildKit renderer renders, so both give the same image.
 *
 * <p>Build containers are named {@code habitat-build-<habitat>-<8 hex>} and are removed on success,
 * failure and JVM shutdown; one left by a killed build is removed by the next build of that habitat.
 * Nothing else on the host is touched. (They are marked by name, not by a label: a commit copies the
 * container's labels into the snapshot.)
 */
public final class ExecMethod implements BuildMethod {
    public static final String NAME = BuildMethodName.DOCKER_EXEC.id();
    public static final String CONTAINER_PREFIX = "habitat-build-";

    private final Engine engine;
    /** Builds the segment of a habitat whose base is its own Dockerfile, which exec and commit cannot run. */
    private final BuildMethod dockerfileBase;

    public ExecMethod(Engine engine, BuildMethod dockerfileBase) {
        this.engine = engine;
        this.dockerfileBase = dockerfileBase;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PhaseResult> run(SegmentJob job, BuildProgress progress) {
        HabitatConfig config = job.graph().config();
        if (job.fromImage() == null && config.base().fromDockerfile()) {
            progress.info("habitat: the base of a Dockerfile habitat is built with BuildKit (docker-exec cannot run a Dockerfile)");
            return dockerfileBase.run(job, progress);
        }
        String from = job.fromImage() != null ? job.fromImage() : config.base().image();
        ImageConfig parent = parentConfig(from);
        List<String> binds = binds(job.graph(), progress);
        // Secrets are written from inside the container into a tmpfs (never committed), and only for their step.
        List<String> tmpfs = Secrets.usedBy(config).isEmpty() ? List.of() : List.of(Operation.SECRETS_DIR);
        return inContainer(config.name(), from, binds, tmpfs, job.network(), job.platform(), progress, container -> runIn(container, parent, job, progress));
    }

    /**
     * The machine step alone on a 12-final made for another machine: one container from it (no mounts: the step reads
     * nothing but its build argument), the step's exec, one commit tagged 12-final.
     */
    @Override
    public PhaseResult applyMachineStep(MachineStepJob job, BuildProgress progress) {
        ImageConfig parent = parentConfig(job.image());
        Stage stage = job.graph().lastStageOf(Phase.FINAL);
        PhaseRecorder recorder = new PhaseRecorder(progress);
        recorder.started(Phase.FINAL);
        Instant start = recorder.startOf(Phase.FINAL);
        String imageId = inContainer(job.graph().config().name(), job.image(), List.of(), List.of(), job.network(), job.platform(), progress, container -> {
            ExecImageState state = new ExecImageState(parent);
            for (Operation op : job.graph().machineStep()) {
                recordingFailure(recorder, () -> applyMachineOp(container.id, state, job.buildArgs(), stage, op, recorder));
            }
            return commit(container.id, job.tag(), state);
        });
        Instant end = Instant.now();
        recorder.stageDone(Phase.FINAL, new StageTiming(stage.name() + " (machine step)", start, end, false));
        return recorder.finished(Phase.FINAL, PhaseResult.Status.REGROUPED, imageId, job.tag(), start, end);
    }

    private ImageConfig parentConfig(String from) {
        return engine.imageConfig(from).orElseThrow(() -> HabitatException.ofEnvironment(
                "image " + from + " is not present in the engine; the docker-exec method does not pull (build it, or load it first)", null));
    }

    /**
     * Runs {@code work} in a build container of the habitat started from {@code from}, and removes the container
     * afterwards (and at JVM shutdown, should the build be killed); leftovers of a killed earlier build go first.
     */
    private <T> T inContainer(String habitat, String from, List<String> binds, List<String> tmpfs, String network,
                              Platform platform, BuildProgress progress, Function<BuildContainer, T> work) {
        removeLeftovers(habitat, progress);
        BuildContainer container = new BuildContainer(habitat, binds, tmpfs, network, platform);
        container.start(engine, from);
        Thread cleanup = new Thread(() -> engine.withOwnConnection(e -> e.removeContainer(container.id)),
                "habitat-remove-build-container");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return work.apply(container);
        } finally {
            try {
                engine.removeContainer(container.id);
            } catch (RuntimeException e) {
                // never hide the build's own failure; a later build removes it
                progress.warn("cannot remove build container " + container.name + " now (" + Engine.rootCause(e)
                        + "); the next build of " + habitat + " removes it");
            }
            for (String image : container.switchImages) {
                try {
                    engine.removeTag(image);
                } catch (RuntimeException kept) {
                    // an image committed to switch containers that a snapshot is built on stays: it goes with the snapshot
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook removes the container
            }
        }
    }

    /**
     * The build container of a segment: its binds and tmpfs mounts, and the package cache volumes mounted so far.
     * A volume can only be mounted when a container is created, and a cache directory in a user's home can only be
     * mounted once that user exists (a mount point made earlier would be the home useradd finds, root's); so when a
     * script step needs a cache volume the container lacks, the container is committed (untagged, with the image
     * state so far) and replaced by one from that image with the volume mounted too.
     */
    private static final class BuildContainer {
        private final String habitat;
        private final List<String> binds;
        private final List<String> tmpfs;
        private final String network;
        /** Volume binds of the caches mounted, {@code volume:dir}. */
        private final Set<String> cacheBinds = new LinkedHashSet<>();
        /** Images committed to switch containers, for removal at the end. */
        private final List<String> switchImages = new ArrayList<>();
        private final Platform platform;
        /** Read by the shutdown hook, set by the build thread. */
        private volatile String id;
        private String name;

        BuildContainer(String habitat, List<String> binds, List<String> tmpfs, String network, Platform platform) {
            this.habitat = habitat;
            this.platform = platform;
            this.binds = List.copyOf(binds);
            this.tmpfs = List.copyOf(tmpfs);
            this.network = network;
        }

        void start(Engine engine, String image) {
            List<String> all = new ArrayList<>(binds);
            all.addAll(cacheBinds);
            name = CONTAINER_PREFIX + habitat + "-" + UUID.randomUUID().toString().substring(0, 8);
            id = engine.startIdleContainer(image, name, all, tmpfs, network, platform);
        }
    }

    /**
     * The build container's mounts: the git mirror's volume, and only the config volumes the habitat opted in with
     * {@code build_mount: true}, read-only, with a warning. Volumes are for running the habitat: mounted read-write
     * into every build container, the plugin's own copies, {@code chown -R} and a clone's {@code rm -rf} would act
     * on host paths under them, a mounted docker socket would make a build step root on the host, and BuildKit
     * builds (which cannot mount them) would differ.
     */
    static List<String> binds(StageGraph graph, BuildProgress progress) {
        HabitatConfig config = graph.config();
        List<String> binds = new ArrayList<>(gitCacheBinds(graph));
        List<String> mounted = new ArrayList<>();
        for (VolumeSpec v : config.volumes()) {
            if (v.buildMount()) {
                binds.add(v.buildSpec());
                mounted.add(v.buildSpec() + " (" + v.origin() + ")");
            }
        }
        if (!mounted.isEmpty()) {
            progress.warn("habitat: the build container mounts config volumes read-only (build_mount: true): "
                    + String.join(", ", mounted) + ". Every build step can read these host paths, and a mounted socket "
                    + "(such as the docker socket) stays usable read-only; BuildKit builds do not mount them. Remove "
                    + "build_mount where the build does not need the volume.");
        }
        return binds;
    }

    /** Containers a killed build of this habitat left behind; only ours, by their exact name pattern. */
    private void removeLeftovers(String habitat, BuildProgress progress) {
        Pattern ours = Pattern.compile(
                Pattern.quote(CONTAINER_PREFIX + habitat + "-") + "[0-9a-f]{8}");
        for (String id : engine.containersNamed(ours)) {
            progress.info("habitat: removing build container " + id.substring(0, 12) + " left by an earlier build of " + habitat);
            engine.removeContainer(id);
        }
    }

    private List<PhaseResult> runIn(BuildContainer container, ImageConfig parent, SegmentJob job, BuildProgress progress) {
        ExecImageState state = new ExecImageState(parent);
        PhaseRecorder recorder = new PhaseRecorder(progress);
        List<PhaseResult> results = new ArrayList<>();
        Phase current = null;
        for (Stage stage : job.graph().stages()) {
            if (!job.phases().contains(stage.phase()) || stage.role() == Stage.Role.SIDE) {
                continue; // a side stage's operations run in place, where the main line copies its result
            }
            if (stage.phase() != current) {
                current = stage.phase();
                recorder.started(current);
            }
            state.args.clear(); // ARGs are scoped to their stage, as in a Dockerfile
            Instant stageStart = Instant.now();
            for (Operation op : stage.operations()) {
                if (op instanceof Operation.RunScript rs && !rs.caches().isEmpty()) {
                    mountCaches(container, state, rs.caches());
                }
                recordingFailure(recorder, () -> apply(container.id, state, job, stage, op, recorder));
            }
            if (current == Phase.FINAL && job.graph().lastStageOf(current) == stage) {
                // the machine step ends 12-final's last stage, as the rendered Dockerfile has it
                for (Operation op : job.graph().machineStep()) {
                    recordingFailure(recorder, () -> applyMachineOp(container.id, state, job.buildArgs(), stage, op, recorder));
                }
            }
            recorder.stageDone(current, new StageTiming(stage.name(), stageStart, Instant.now(), false));
            if (job.graph().lastStageOf(current) == stage) {
                state.labels.putAll(SnapshotLabels.of(job.graph(), job.hashes().get(current)));
                Phase p = current;
                if (p != job.last()) {
                    results.add(recorder.finished(p, PhaseResult.Status.BUILT, null, null, recorder.startOf(p), Instant.now()));
                }
            }
        }
        String imageId = null;
        if (job.tag() != null) {
            imageId = commit(container.id, job.tag(), state);
        }
        results.add(recorder.finished(job.last(), PhaseResult.Status.BUILT, imageId, job.tag(), recorder.startOf(current), Instant.now()));
        return results;
    }

    /**
     * Runs one step; when the step fails, the failed phase is recorded once, with the time it ran since its start, told
     * to the progress and carried by the failure to the report.
     */
    private static void recordingFailure(PhaseRecorder recorder, Runnable step) {
        try {
            step.run();
        } catch (BuildFailedException e) {
            throw recorder.failed(e);
        }
    }

    /** Commits the container as {@code tag} with the image config the operations left; returns the image id. */
    /** Commits the container with the image state's config as {@code tag}, or untagged when {@code tag} is null. */
    private String commit(String container, String tag, ExecImageState state) {
        int colon = tag == null ? -1 : tag.lastIndexOf(':');
        return engine.commit(container, tag == null ? null : tag.substring(0, colon), tag == null ? null : tag.substring(colon + 1),
                ExecImageState.changes(state, engine.info().commitChangesAreDockerfile()));
    }

    /**
     * One operation of the machine step ({@link StageGraph#machineStep()}), with this machine's build arguments: at the
     * end of 12-final's last stage in a build, or alone on a 12-final made for another machine.
     */
    private void applyMachineOp(String container, ExecImageState s, Map<String, String> buildArgs, Stage stage, Operation op,
                                PhaseRecorder recorder) {
        op.accept(new Steps(container, s, buildArgs, null, stage, recorder));
    }

    private static void declareArg(ExecImageState s, Map<String, String> buildArgs, Operation.DeclareArg a) {
        String v = buildArgs.get(a.name());
        if (v != null) {
            s.args.put(a.name(), v);
        }
    }

    /** As {@code LABEL k="${ARG:-absent}"}: the argument's value, or {@code absent} when it is unset or empty. */
    private static void labelFromArg(ExecImageState s, Operation.LabelFromArg l) {
        String v = s.args.get(l.arg());
        s.labels.put(l.label(), v == null || v.isEmpty() ? l.absent() : v);
    }

    private void apply(String container, ExecImageState s, SegmentJob job, Stage stage, Operation op, PhaseRecorder recorder) {
        op.accept(new Steps(container, s, job.buildArgs(), job, stage, recorder));
    }

    /**
     * What docker-exec does for each operation, in one container: exec, archive copies, or a change to the state the
     * commit applies. Without a job (the machine step alone) only the operations that need nothing staged can run.
     */
    private final class Steps implements Operation.Visitor<Void> {
        private final String container;
        private final ExecImageState s;
        private final Map<String, String> buildArgs;
        private final SegmentJob segment;
        private final Stage stage;
        private final PhaseRecorder recorder;

        Steps(String container, ExecImageState s, Map<String, String> buildArgs, SegmentJob segment, Stage stage, PhaseRecorder recorder) {
            this.container = container;
            this.s = s;
            this.buildArgs = buildArgs;
            this.segment = segment;
            this.stage = stage;
            this.recorder = recorder;
        }

        private SegmentJob job(Operation op) {
            if (segment == null) {
                throw new IllegalStateException("the machine step has no " + op);
            }
            return segment;
        }

        @Override
        public Void runCommand(Operation.RunCommand r) {
            run(container, s, stage, r, r.user(), List.of("/bin/sh", "-c", r.command()), r.command(), recorder);
            return null;
        }

        @Override
        public Void runScript(Operation.RunScript rs) {
            SegmentJob job = job(rs);
            put(container, "/", scriptTar(job.context().directory().resolve(rs.contextDir())));
            writeSecrets(container, s, job.secrets(), rs.secrets(), rs.user());
            try {
                run(container, s, stage, rs, rs.user(), rs.runnerArgv(StepScripts.SCRIPT_MOUNT), rs.summary(), recorder);
            } finally {
                removeSecrets(container, s, rs.secrets());
            }
            rootShell(container, s, "rm -rf " + StepScripts.SCRIPT_MOUNT);
            return null;
        }

        @Override
        public Void copy(Operation.Copy c) {
            SegmentJob job = job(c);
            if (c.homeUser() != null) {
                put(container, "/", sourceTar(job, c.source(), StepScripts.COPY_MOUNT, false));
                String script = StepScripts.homeCopyScript(c);
                run(container, s, stage, c, "root", List.of("/bin/sh", "-c", script), script, recorder);
                rootShell(container, s, "rm -rf " + StepScripts.COPY_MOUNT);
            } else {
                ExecMethod.this.copy(container, s, job, c);
            }
            return null;
        }

        @Override
        public Void setEnv(Operation.SetEnv e) {
            // One ENV instruction: every reference sees the env as it was before it.
            Map<String, String> before = new LinkedHashMap<>(s.env);
            e.vars().forEach((k, v) -> s.env.put(k, DockerfileSyntax.expandEnvValue(v, before, Planner.defaultPath())));
            return null;
        }

        @Override
        public Void setWorkdir(Operation.SetWorkdir w) {
            rootShell(container, s, "mkdir -p " + Shell.quote(w.path()));
            s.workdir = w.path();
            return null;
        }

        @Override
        public Void setUser(Operation.SetUser u) {
            s.user = u.user();
            return null;
        }

        @Override
        public Void setEntrypoint(Operation.SetEntrypoint ep) {
            s.entrypoint = ep.argv();
            s.cmd = null; // as in a Dockerfile: ENTRYPOINT resets CMD
            return null;
        }

        @Override
        public Void setCmd(Operation.SetCmd cmd) {
            s.cmd = cmd.argv();
            return null;
        }

        @Override
        public Void declareArg(Operation.DeclareArg a) {
            ExecMethod.declareArg(s, buildArgs, a);
            return null;
        }

        @Override
        public Void labelFromArg(Operation.LabelFromArg l) {
            ExecMethod.labelFromArg(s, l);
            return null;
        }

        @Override
        public Void copyFromStage(Operation.CopyFromStage c) {
            SegmentJob job = job(c);
            Stage side = job.graph().stageNamed(c.stage()).orElseThrow(() -> new IllegalStateException("no side stage " + c.stage()));
            for (Operation sideOp : side.operations()) {
                apply(container, s, job, side, sideOp, recorder);
            }
            return null;
        }

        @Override
        public Void cloneRepo(Operation.CloneRepo clone) {
            SegmentJob job = job(clone);
            String script = StepScripts.cloneScript(clone);
            writeSecrets(container, s, job.secrets(), clone.secrets(), "root");
            try {
                run(container, s, stage, clone, "root", List.of("/bin/sh", "-c", script), script, recorder);
            } finally {
                removeSecrets(container, s, clone.secrets());
            }
            return null;
        }
    }

    /**
     * Before a script step with package caches: their mount points, as the BuildKit method makes them (same command);
     * the container replaced by one that mounts their volumes too, when it lacks one; and each volume of a user's cache
     * given to that user (BuildKit's step before the script does the same). The volumes are never committed; the
     * mount points are what the image had, or empty directories, as with BuildKit.
     */
    private void mountCaches(BuildContainer c, ExecImageState s, List<CacheMount> caches) {
        rootShell(c.id, s, StepScripts.cacheMountPoints(caches));
        List<String> missing = caches.stream().map(CacheMount::volumeBind).filter(b -> !c.cacheBinds.contains(b)).toList();
        if (!missing.isEmpty()) {
            String image = commit(c.id, null, s);
            c.switchImages.add(image);
            String old = c.id;
            c.cacheBinds.addAll(missing);
            c.start(engine, image);
            engine.removeContainer(old);
        }
        String chown = caches.stream().filter(m -> !m.owner().equals("root"))
                .map(m -> "chown " + Shell.quote(m.owner() + ":") + " " + Shell.quote(m.target())).collect(Collectors.joining("; "));
        if (!chown.isEmpty()) {
            rootShell(c.id, s, chown);
        }
    }

    /**
     * Stands in for BuildKit's cache mounts of git mirrors: one volume per habitat and repository (never committed),
     * each at the path the clone script uses, {@code GIT_CACHE/<gitCache>}.
     */
    static List<String> gitCacheBinds(StageGraph graph) {
        return graph.stages().stream().flatMap(st -> st.operations().stream())
                .filter(op -> op instanceof Operation.CloneRepo c && !c.repo().shallow())
                .map(op -> ((Operation.CloneRepo) op).gitCache())
                .distinct()
                .map(v -> v + ":" + StepScripts.GIT_CACHE + "/" + v)
                .toList();
    }

    /** Runs one step; a non-zero exit fails the build with the same report as the BuildKit method. */
    private void run(String container, ExecImageState s, Stage stage, Operation op, String user, List<String> argv,
                     String command, PhaseRecorder recorder) {
        PhaseRecorder.StepLines output = recorder.step(stage);
        int code = engine.exec(container, user, s.workdir == null ? "/" : s.workdir, s.execEnv(), argv, output);
        if (code != 0) {
            throw Failures.report(stage.phase(), stage, op, command, code, output.last(), "exit code: " + code);
        }
    }

    /**
     * Writes each secret to {@code /run/secrets/<id>} (a tmpfs) from inside the container, owned by the
     * step's user with mode 0600, never through a link (see {@link #secretWriter}). The value travels only in the
     * environment of this one exec, base64 so that any bytes survive; the archive API is not used (a file put through
     * it would be committed).
     */
    private void writeSecrets(String container, ExecImageState s, Secrets secrets, List<String> ids, String user) {
        for (String id : ids) {
            byte[] value = secrets.lookup(id);
            if (value == null) {
                continue; // an optional username; a missing value is refused before the build starts
            }
            List<String> env = new ArrayList<>(s.execEnv());
            env.add("HABITAT_SECRET_B64=" + Base64.getEncoder().encodeToString(value));
            StringBuilder out = new StringBuilder();
            int code = engine.exec(container, "root", "/", env, secretWriter(Operation.SECRETS_DIR, id, user),
                    l -> out.append(l).append('\n'));
            if (code != 0) {
                throw HabitatException.ofEnvironment("docker-exec: cannot hand secret '" + id + "' to the build container (exit code "
                        + code + "): " + secrets.mask(out.toString().trim()), null);
            }
        }
    }

    /**
     * The command that writes one secret ({@code $HABITAT_SECRET_B64}) to {@code <dir>/<id>} as root, owned by
     * {@code user}, mode 600, without following a link an earlier step (a root script) may have planted: it works
     * from inside {@code dir} and refuses a {@code dir} reached through a link (the physical path must be the path
     * asked for); it removes whatever is at the name ({@code rm} removes a link itself, never its target), then
     * creates the file with noclobber, so the shell opens it with {@code O_EXCL} and fails rather than follow
     * anything that appeared there; {@code chown -h} never changes a link's target. The file is on the tmpfs, which
     * is never committed, and {@link #removeSecrets} removes it after its step as before.
     */
    static List<String> secretWriter(String dir, String id, String user) {
        return List.of("/bin/sh", "-c", String.join("\n",
                "set -eu",
                "umask 077",
                "cd -P -- \"$1\"",
                "if [ \"$(pwd -P)\" != \"$1\" ]; then",
                "  echo \"habitat: $1 is reached through a symbolic link ($(pwd -P)); refusing to write secret $2 there\" >&2",
                "  exit 1",
                "fi",
                "rm -rf -- \"./$2\"",
                "set -C",
                "printf %s \"$HABITAT_SECRET_B64\" | base64 -d > \"./$2\"",
                "chown -h -- \"$3\" \"./$2\""), "sh", dir, id, user);
    }

    private void removeSecrets(String container, ExecImageState s, List<String> ids) {
        if (!ids.isEmpty()) {
            rootShell(container, s, "rm -f" + ids.stream().map(id -> " " + Shell.quote(Operation.SECRETS_DIR + "/" + id))
                    .collect(Collectors.joining()));
        }
    }

    private void rootShell(String container, ExecImageState s, String command) {
        StringBuilder out = new StringBuilder();
        int code = engine.exec(container, "root", "/", s.execEnv(), List.of("/bin/sh", "-c", command), l -> out.append(l).append('\n'));
        if (code != 0) {
            throw HabitatException.ofEnvironment("docker-exec: '" + command + "' failed with exit code " + code + ": " + out.toString().trim(), null);
        }
    }

    /**
     * COPY semantics, as measured against BuildKit: directories the copy creates (missing parents and the
     * destination directory) get mode 0755 and the owner; copied entries keep their staged modes and get
     * the owner; existing directories are left as they are.
     */
    private void copy(String container, ExecImageState s, SegmentJob job, Operation.Copy c) {
        Integer[] ids = c.owner() == null ? new Integer[] {0, 0} : ids(container, s, c.owner());
        String parent = parentOf(c.dest());
        // An existing destination directory keeps its owner and mode, as with COPY of a directory's contents.
        boolean keepDest = Files.isDirectory(job.context().directory().resolve(c.source().contextPath()))
                && engine.exec(container, "root", "/", s.execEnv(), List.of("test", "-d", c.dest()), l -> { }) == 0;
        String q = Shell.quote(parent);
        rootShell(container, s, "top=" + q + "; first=; while [ ! -e \"$top\" ]; do first=$top; top=$(dirname \"$top\"); done; "
                + "mkdir -p " + q + "; if [ -n \"$first\" ]; then chown -R " + ids[0] + ":" + ids[1] + " \"$first\"; fi");
        put(container, "/", sourceTar(job, c.source(), c.dest(), keepDest));
        if (ids[0] != 0 || ids[1] != 0) {
            // The owner goes to exactly what was copied. The archive is root-owned: the engine extracted tar
            // owners as root in our runs, so they are not relied on.
            List<String> targets = new ArrayList<>();
            Path staged = job.context().directory().resolve(c.source().contextPath());
            if (keepDest) {
                try (var children = Files.list(staged)) {
                    children.map(ch -> c.dest().replaceAll("/+$", "") + "/" + ch.getFileName()).sorted().forEach(targets::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                targets.add(c.dest());
            }
            if (!targets.isEmpty()) {
                rootShell(container, s, "chown -hR " + ids[0] + ":" + ids[1] + " "
                        + String.join(" ", targets.stream().map(Shell::quote).toList()));
            }
        }
    }

    private Integer[] ids(String container, ExecImageState s, String owner) {
        String[] parts = owner.split(":", 2);
        String group = parts.length == 2 ? parts[1] : parts[0];
        StringBuilder out = new StringBuilder();
        String cmd = "u=$(id -u " + Shell.quote(parts[0]) + ") && g=$(getent group " + Shell.quote(group)
                + " | cut -d: -f3) && [ -n \"$g\" ] && echo \"$u $g\"";
        int code = engine.exec(container, "root", "/", s.execEnv(), List.of("/bin/sh", "-c", cmd), l -> out.append(l));
        if (code != 0) {
            throw HabitatException.ofHabitat("docker-exec: owner '" + owner + "' does not exist in the image; create it (users, base_users) "
                    + "or name a user the image has");
        }
        String[] v = out.toString().trim().split(" ");
        return new Integer[] {Integer.parseInt(v[0]), Integer.parseInt(v[1])};
    }

    private static String parentOf(String path) {
        int slash = path.replaceAll("/+$", "").lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private void put(String container, String path, byte[] tar) {
        engine.putArchive(container, path, tar);
    }

    /** The staged source as a root-owned tar whose entries sit at {@code dest} (absolute). */
    private static byte[] sourceTar(SegmentJob job, CopySource source, String dest, boolean skipRoot) {
        Path staged = job.context().directory().resolve(source.contextPath());
        String base = dest.replaceAll("^/+", "").replaceAll("/+$", "");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            List<Path> all;
            try (var walk = Files.walk(staged)) {
                all = walk.sorted().toList();
            }
            for (Path f : all) {
                String rel = staged.relativize(f).toString();
                if (rel.isEmpty() && skipRoot) {
                    continue;
                }
                String name = rel.isEmpty() ? base : base + "/" + rel;
                ContextTar.putEntry(tar, f, name, rel.isEmpty() ? Integer.valueOf(0755) : null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + staged + ": " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** The staged runner and commands of a script step, at the path BuildKit mounts them. */
    private static byte[] scriptTar(Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String base = StepScripts.SCRIPT_MOUNT.substring(1);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes); var walk = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path f : walk.sorted().toList()) {
                String rel = dir.relativize(f).toString();
                ContextTar.putEntry(tar, f, rel.isEmpty() ? base : base + "/" + rel, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + dir + ": " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }
}
