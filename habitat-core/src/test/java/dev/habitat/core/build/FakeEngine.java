package dev.habitat.core.build;

import dev.habitat.core.Platform;
import dev.habitat.core.engine.BuildEvents;
import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.ContextTransfer;
import dev.habitat.core.engine.Engine;
import dev.habitat.core.engine.EngineAddress;
import dev.habitat.core.engine.EngineInfo;
import dev.habitat.core.engine.EngineSession;
import dev.habitat.core.engine.ImageConfig;
import dev.habitat.core.engine.ImageInfo;
import dev.habitat.core.engine.SessionRefusedException;
import dev.habitat.core.engine.SyncedDir;
import dev.habitat.core.registry.RegistryAuth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An engine that holds tagged images in memory, for unit tests of the orchestration: images are what a
 * {@link FakeMethod} (or a test) puts there, tags and untags are recorded; pulls and pushes go to an in-memory registry.
 * The orchestration holds only the engine's {@code EngineImages} role, so it cannot ask for containers or BuildKit builds;
 * the method tests set those roles up ({@link #containerBase}, {@link #builds}), and a role a test did not set up fails it.
 */
final class FakeEngine implements Engine {
    final Map<String, ImageInfo> images = new TreeMap<>();
    final List<String> removedTags = new ArrayList<>();
    /** The registry the engine pulls from and pushes to, by full reference (one for every machine of a test). */
    final Map<String, ImageInfo> registry = new TreeMap<>();
    boolean answers = true;
    /** Whether the fake keeps images in the containerd image store. */
    boolean containerdStore;
    /** The engine's own platform. */
    Platform platform = new Platform("linux", "amd64", null);
    /** Per platform, the content identity of the base variant a platform asks for (absent: the image has none for it). */
    final Map<Platform, String> variants = new java.util.HashMap<>();
    /** A build container's create request, as a build method asks for it. */
    record ContainerRequest(String image, String name, List<String> binds, List<String> tmpfs, String network, Platform platform) {}

    final List<ContainerRequest> containerRequests = new ArrayList<>();
    /**
     * Null: no build containers (the orchestration has no such role; a method test sets it). Set: what {@link #imageConfig} answers, and a create
     * request is recorded, then refused (the fake runs nothing), so a test can look at what a method asked.
     */
    ImageConfig containerBase;
    /**
     * Set (with {@link #containerBase}): build containers start and "run": every exec succeeds and is recorded in
     * {@link #containerLog} with archive puts, commits (answering a new id) and removals, in order.
     */
    boolean runsContainers;
    final List<String> containerLog = new ArrayList<>();
    /** With {@link #runsContainers}: an exec whose command contains this prints the runner's failure line and exits 3. */
    String failingExec;
    /**
     * Null: no BuildKit builds (the orchestration has no such role; a method test sets it). Set: answers each build request (a test of the BuildKit method
     * plays the engine's trace with it); every request is recorded in {@link #buildRequests}.
     */
    BiFunction<BuildRequest, BuildEvents, BuildOutcome> builds;
    final List<BuildRequest> buildRequests = new CopyOnWriteArrayList<>();
    /** With {@link #builds}: whether the engine opens BuildKit sessions (else it refuses them, as an engine without one). */
    boolean sessions;
    /** A session the engine opened: what it serves. */
    record OpenedSession(String id, String name, String sharedKey, Map<String, SyncedDir> dirs) {}

    final List<OpenedSession> openedSessions = new CopyOnWriteArrayList<>();
    final List<String> closedSessions = new CopyOnWriteArrayList<>();
    final List<String> cancelledBuilds = new CopyOnWriteArrayList<>();
    private int nextId = 1;

    /** Tags a new image with {@code labels} as {@code ref}; returns its id. */
    synchronized String put(String ref, Map<String, String> labels) {
        String id = String.format("sha256:%064x", nextId++);
        images.put(ref, new ImageInfo(id, Map.copyOf(labels), 100_000_000L + nextId, "2026-12-04T12:00:00Z"));
        return id;
    }

    @Override
    public EngineAddress address() {
        return new EngineAddress(host(), null, "a test");
    }

    @Override
    public String host() {
        return "tcp://127.0.0.1:1";
    }

    @Override
    public EngineInfo info() {
        return new EngineInfo(EngineInfo.Product.DOCKER, "26.1.5", "1.45");
    }

    @Override
    public boolean containerdImageStore() {
        return containerdStore;
    }

    @Override
    public String ping() {
        if (!answers) {
            throw new dev.habitat.core.engine.EngineUnavailableException("the fake engine is stopped", null);
        }
        return "Docker 26.1.5 (API 1.45)";
    }

    @Override
    public boolean responds() {
        return answers;
    }

    @Override
    public Optional<ImageInfo> inspectImage(String ref) {
        return Optional.ofNullable(images.get(ref));
    }

    @Override
    public Optional<String> contentIdentity(String ref) {
        return inspectImage(ref).map(i -> "content-of-" + i.id());
    }

    @Override
    public Optional<String> contentIdentity(String ref, Platform p) {
        return p.equals(platform) ? contentIdentity(ref) : Optional.ofNullable(variants.get(p));
    }

    @Override
    public Platform platform() {
        return platform;
    }

    @Override
    public Optional<ImageConfig> imageConfig(String ref) {
        if (containerBase == null) {
            throw roleNotSetUp("imageConfig");
        }
        return Optional.of(containerBase);
    }

    @Override
    public String startIdleContainer(String image, String name, List<String> binds, List<String> tmpfs, String network, Platform platform) {
        if (containerBase == null) {
            throw roleNotSetUp("startIdleContainer");
        }
        containerRequests.add(new ContainerRequest(image, name, List.copyOf(binds), List.copyOf(tmpfs), network, platform));
        if (runsContainers) {
            String id = "container-" + containerRequests.size();
            containerLog.add("start " + id + " from " + image);
            return id;
        }
        throw new IllegalStateException("the fake engine records build containers but does not start them");
    }

    @Override
    public int exec(String container, String user, String workdir, List<String> env, List<String> argv, Consumer<String> output) {
        if (runsContainers) {
            String command = String.join(" ", argv);
            containerLog.add("exec " + container + " as " + user + ": " + command);
            if (failingExec != null && command.contains(failingExec)) {
                output.accept("habitat: scripts[0] command 1 failed with exit code 3");
                return 3;
            }
            return 0;
        }
        throw roleNotSetUp("exec");
    }

    @Override
    public void putArchive(String container, String path, byte[] tar) {
        if (runsContainers) {
            containerLog.add("put " + container);
            return;
        }
        throw roleNotSetUp("putArchive");
    }

    @Override
    public String commit(String container, String repository, String tag, List<String> changes) {
        if (runsContainers) {
            String id = String.format("sha256:%064x", nextId++);
            containerLog.add("commit " + container + " as " + (repository == null ? "untagged" : repository + ":" + tag) + " " + id);
            return id;
        }
        throw roleNotSetUp("commit");
    }

    @Override
    public void removeContainer(String id) {
        if (runsContainers) {
            containerLog.add("remove " + id);
            return;
        }
        throw roleNotSetUp("removeContainer");
    }

    @Override
    public void withOwnConnection(Consumer<Engine> action) {
        action.accept(this);
    }

    @Override
    public List<String> tagsOf(String repository) {
        return images.keySet().stream().filter(ref -> ref.startsWith(repository + ":")).toList();
    }

    @Override
    public List<String> containersNamed(Pattern name) {
        return List.of();
    }

    @Override
    public BuildOutcome build(BuildRequest request, BuildEvents events) {
        if (builds == null) {
            throw roleNotSetUp("build");
        }
        buildRequests.add(request);
        return builds.apply(request, events);
    }

    @Override
    public EngineSession openSession(String name, String sharedKey, Function<String, byte[]> secrets, Map<String, SyncedDir> dirs) {
        if (builds == null) {
            throw roleNotSetUp("openSession");
        }
        if (!sessions) {
            throw new SessionRefusedException("the engine at " + host() + " refused a BuildKit session: HTTP/1.1 404 Not Found");
        }
        String id = "fake-session-" + (openedSessions.size() + 1);
        openedSessions.add(new OpenedSession(id, name, sharedKey, Map.copyOf(dirs)));
        return new EngineSession() {
            public String id() {
                return id;
            }

            public ContextTransfer transferred() {
                return new ContextTransfer(ContextTransfer.Route.SESSION, 10, 1, 5, 2);
            }

            public void close() {
                closedSessions.add(id);
            }
        };
    }

    @Override
    public void cancelBuild(String buildId) {
        if (builds == null) {
            throw roleNotSetUp("cancelBuild");
        }
        cancelledBuilds.add(buildId);
    }

    @Override
    public TransferResult pull(String ref, RegistryAuth auth, Platform asked) {
        pullPlatforms.add(asked == null ? "own" : asked.toString());
        return pull(ref, auth);
    }

    /** The platform each pull asked for ("own": none named). */
    final List<String> pullPlatforms = new ArrayList<>();

    @Override
    public TransferResult pull(String ref, RegistryAuth auth) {
        ImageInfo there = registry.get(ref);
        if (there == null) {
            return TransferResult.failed(404, "manifest for " + ref + " not found: manifest unknown");
        }
        images.put(ref, there);
        return TransferResult.done(1000);
    }

    @Override
    public TransferResult inRegistry(String ref, RegistryAuth auth) {
        return registry.containsKey(ref) ? TransferResult.found(registry.get(ref).id()) : TransferResult.failed(404, "manifest unknown: manifest unknown");
    }

    @Override
    public TransferResult push(String ref, RegistryAuth auth) {
        registry.put(ref, images.get(ref));
        return TransferResult.done(10);
    }

    @Override
    public void tag(String image, String ref) {
        ImageInfo source = images.values().stream().filter(i -> i.id().equals(image)).findFirst()
                .or(() -> Optional.ofNullable(images.get(image))).orElseThrow(() -> new IllegalStateException("no image " + image));
        images.put(ref, source);
    }

    @Override
    public void removeTag(String ref) {
        if (runsContainers && ref.startsWith("sha256:")) {
            containerLog.add("remove image " + ref);
        }
        if (images.remove(ref) != null) {
            removedTags.add(ref);
        }
    }

    @Override
    public void close() {
    }

    private static AssertionError roleNotSetUp(String what) {
        return new AssertionError("the fake engine was asked for " + what + ", a role this test did not set up (only a build method asks it)");
    }
}
