package dev.habitat.core.build;

import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.snapshot.Sharing;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.method.MachineStepJob;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.engine.ImageInfo;
import dev.habitat.core.plan.SnapshotLabels;

import dev.habitat.core.HabitatException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.EngineUnavailableException;
import dev.habitat.core.plan.MachineFacts;
import dev.habitat.core.plan.Planner;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.plan.PlannedHabitat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's orchestration over a fake engine and a fake method: which phases a build sends to the method and from
 * which snapshot, what it reuses, what a failure or a lost engine leaves behind, and what it reports.
 */
class HabitatBuilderOrchestrationTest {
    private static final String CONFIG = Fixture.SCRIPTED.formatted("orchestrated");

    @TempDir
    Path dir;
    private final FakeEngine engine = new FakeEngine();
    private final FakeMethod method = new FakeMethod(engine);
    /** The facts of the machine the next build runs on (its docker socket's group). */
    private MachineFacts machine = MachineFacts.none();
    private final List<String> log = new ArrayList<>();
    private final BuildProgress progress = new BuildProgress() {
        public void info(String m) {
            log.add(m);
        }

        public void warn(String m) {
            log.add("WARN " + m);
        }

        public void phaseStarted(Phase p) {}

        public void phaseFinished(PhaseResult r) {}

        public void output(Phase p, String stage, String line) {}
    };

    @BeforeEach
    void baseImage() {
        engine.put("debian:bookworm", Map.of());
    }

    private PlannedHabitat plan(String config) {
        return new Fixture(dir).write("habitat/config.yaml", config).plan();
    }

    private BuildSummary build(String config, Phase target, Phase rebuildFrom) {
        return build(config, target, rebuildFrom, null);
    }

    private BuildSummary build(String config, Phase target, Phase rebuildFrom, Sharing sharing) {
        log.clear();
        BuildOptions options = new BuildOptions(target, rebuildFrom, false, null, dir.resolve("target"), null, sharing);
        return new HabitatBuilder(engine, method, progress, new ExternalInputResolver(host -> machine)).build(plan(config).graph(), options);
    }

    /** Each phase's status in the last build's report.json. */
    private Map<String, String> reportedStatuses() throws java.io.IOException {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        new ObjectMapper().readTree(dir.resolve("target/orchestrated/report.json").toFile()).get("phases")
                .forEach(p -> out.put(p.get("phase").asText(), p.get("status").asText()));
        return out;
    }

    /** The statuses of a build that built nothing: {@code before} for 1-base to 9-scripts, passed, passed, {@code last}. */
    private static Map<String, String> statuses(String before, String last) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Phase p : Phase.values()) {
            out.put(p.tagSuffix(), p == Phase.FINAL ? last : p.snapshotted() ? before : "passed");
        }
        return out;
    }

    private Map<String, String> idsOfSnapshots() {
        Map<String, String> ids = new java.util.TreeMap<>();
        engine.images.forEach((ref, img) -> ids.put(ref, img.id()));
        return ids;
    }

    /** The phases of each job the method was given since {@code fromJob}, as {@code 1-base..7-repos}. */
    private List<String> jobsSince(int fromJob) {
        return method.jobs.subList(fromJob, method.jobs.size()).stream()
                .map(j -> j.phases().stream().map(Phase::tagSuffix).collect(Collectors.joining(","))).toList();
    }

    private static Set<String> snapshotTags() {
        Set<String> tags = new java.util.TreeSet<>();
        for (Phase p : Phase.values()) {
            if (p.snapshotted()) {
                tags.add("habitat-orchestrated:" + p.tagSuffix());
            }
        }
        return tags;
    }

    @Test
    void aColdBuildSendsEveryPhaseOneSnapshotAtATimeThenANoOpSendsNothing() throws Exception {
        BuildSummary cold = build(CONFIG, Phase.FINAL, null);
        assertFalse(cold.upToDate());
        assertEquals(10, method.jobs.size(), "one job per snapshot; verify and test travel with final");
        assertEquals(List.of("10-verify,11-test,12-final"), jobsSince(9));
        assertEquals(null, method.jobs.get(0).fromImage(), "the first job starts from the base");
        assertEquals("habitat-orchestrated:1-base", method.jobs.get(1).fromImage(), "each next one from the snapshot before it");
        assertTrue(engine.images.keySet().containsAll(snapshotTags()), engine.images.keySet().toString());
        assertTrue(log.contains("habitat: first stale phase is 1-base: no snapshot of it exists yet"), log.toString());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("target/orchestrated/report.json").toFile());
        assertEquals(12, report.get("phases").size());
        assertTrue(Files.readString(dir.resolve("target/orchestrated/Dockerfile")).startsWith(HabitatBuilder.BUILD_DOCKERFILE_NOTE + "# Habitat 'orchestrated'"),
                "the Dockerfile left beside the context says it has this build's values");
        assertEquals("scripts[0]", report.get("phases").get(8).get("commands").get(0).get("script").asText(),
                "the runner's timing lines reach the report whichever method ran");

        BuildSummary again = build(CONFIG, Phase.FINAL, null);
        assertTrue(again.upToDate());
        assertEquals(10, method.jobs.size(), "nothing was sent to the method");
        assertTrue(log.contains("habitat: habitat-orchestrated:12-final is up to date; nothing to build"), log.toString());
        assertEquals("habitat-orchestrated:12-final", again.finalImage());
    }

    @Test
    void aScriptChangeResumesFromTheSnapshotBeforeItsPhase() {
        build(CONFIG, Phase.FINAL, null);
        String toolsId = engine.images.get("habitat-orchestrated:8-tools").id();
        int before = method.jobs.size();
        build(CONFIG.replace("echo one", "echo two"), Phase.FINAL, null);
        assertEquals(List.of("9-scripts", "10-verify,11-test,12-final"), jobsSince(before));
        assertEquals("habitat-orchestrated:8-tools", method.jobs.get(before).fromImage());
        assertEquals(toolsId, engine.images.get("habitat-orchestrated:8-tools").id(), "8-tools was reused, not rebuilt");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("habitat: first stale phase is 9-scripts")), log.toString());
        assertTrue(log.contains("habitat: resuming from snapshot habitat-orchestrated:8-tools"), log.toString());
    }

    @Test
    void rebuildFromRunsThatPhaseAndLaterOnesWithoutTheCacheEvenWhenNothingChanged() {
        build(CONFIG, Phase.FINAL, null);
        int before = method.jobs.size();
        build(CONFIG, Phase.FINAL, Phase.FILES);
        assertEquals(List.of("6-files", "7-repos", "8-tools", "9-scripts", "10-verify,11-test,12-final"), jobsSince(before));
        assertTrue(method.jobs.subList(before, method.jobs.size()).stream().allMatch(SegmentJob::noCache));
        assertEquals("habitat-orchestrated:5-habitat", method.jobs.get(before).fromImage());
        assertTrue(log.contains("habitat: rebuilding from 6-files (habitat.rebuildFrom)"), log.toString());
    }

    @Test
    void aTargetStopsTheBuildAtItsPhase() {
        BuildSummary s = build(CONFIG, Phase.FILES, null);
        assertEquals(List.of("1-base", "2-users", "3-env", "4-workdir", "5-habitat", "6-files"), jobsSince(0));
        assertEquals("habitat-orchestrated:6-files", s.finalImage());
        assertFalse(engine.images.containsKey("habitat-orchestrated:7-repos"));
    }

    @Test
    void aFailedPhaseLeavesNoSnapshotOfItselfOrLaterOnesAndIsReported() throws Exception {
        build(CONFIG, Phase.FINAL, null);
        method.failAt = Phase.SCRIPTS;
        BuildFailedException e = assertThrows(BuildFailedException.class, () -> build(CONFIG.replace("echo one", "echo two"), Phase.FINAL, null));
        assertEquals(Phase.SCRIPTS, e.phase());
        assertEquals(List.of("habitat-orchestrated:12-final", "habitat-orchestrated:9-scripts"), engine.removedTags.stream().sorted().toList(),
                "the stale 9-scripts and 12-final of the last build are gone: no snapshot outlives a failure of its phase");
        assertTrue(engine.images.containsKey("habitat-orchestrated:8-tools"), "earlier snapshots are kept");
        JsonNode report = new ObjectMapper().readTree(dir.resolve("target/orchestrated/report.json").toFile());
        assertTrue(report.get("failure").asText().contains("9-scripts"), report.toString());
        JsonNode last = report.get("phases").get(report.get("phases").size() - 1);
        assertEquals("9-scripts", last.get("phase").asText());
        assertEquals("failed", last.get("status").asText());

        method.failAt = null;
        int before = method.jobs.size();
        build(CONFIG.replace("echo one", "echo two"), Phase.FINAL, null);
        assertEquals("habitat-orchestrated:8-tools", method.jobs.get(before).fromImage(), "the next build resumes where the failure left off");
    }

    @Test
    void anEngineLostMidBuildSaysWhichSnapshotsAreKeptAndHowToResume() {
        method.loseEngineAt = Phase.REPOS;
        EngineUnavailableException e = assertThrows(EngineUnavailableException.class, () -> build(CONFIG, Phase.FINAL, null));
        assertTrue(e.getMessage().contains("lost the Docker engine at tcp://127.0.0.1:1 while building 7-repos"), e.getMessage());
        assertTrue(e.getMessage().contains("Snapshots up to habitat-orchestrated:6-files are kept"), e.getMessage());
        assertTrue(e.getMessage().contains("IOException: Connection reset by peer"), e.getMessage());
    }

    @Test
    void aFailureWhileTheEngineStillAnswersIsNotCalledALostEngine() {
        assertFailureWhileTheEngineAnswers(new IllegalStateException("the engine refused the request: bad parameter"),
                "IllegalStateException: the engine refused the request: bad parameter", "the engine's log says why");
    }

    /**
     * Whether the engine answers after the failure decides, not how the failure looks: a broken connection (the lost
     * engine's usual cause) while the engine still answers is an engine failure, not a lost engine ...
     */
    @Test
    void aBrokenConnectionWhileTheEngineStillAnswersIsNotCalledALostEngine() {
        assertFailureWhileTheEngineAnswers(new IllegalStateException("the build request broke", new java.io.IOException("Connection reset by peer")),
                "IOException: Connection reset by peer", "the engine's log says why");
    }

    /** ... and an engine that stops answering is lost, whatever the failure said. */
    @Test
    void anEngineThatStopsAnsweringIsLostWhateverTheFailureSaid() {
        BuildMethod failing = new BuildMethod() {
            public String name() {
                return "fake";
            }

            public List<PhaseResult> run(SegmentJob job, BuildProgress p) {
                engine.answers = false;
                throw new IllegalStateException("the engine refused the request: bad parameter");
            }

            public PhaseResult applyMachineStep(MachineStepJob job, BuildProgress p) {
                throw new AssertionError("no machine step alone in a first build");
            }
        };
        BuildOptions options = new BuildOptions(Phase.FINAL, null, false, null, dir.resolve("target"), null, null);
        EngineUnavailableException e = assertThrows(EngineUnavailableException.class,
                () -> new HabitatBuilder(engine, failing, progress).build(plan(CONFIG).graph(), options));
        assertTrue(e.getMessage().contains("lost the Docker engine at tcp://127.0.0.1:1 while building 1-base"), e.getMessage());
        assertTrue(e.getMessage().contains("No snapshot was kept"), e.getMessage());
    }

    @Test
    void anEngineRefusalIsOneMessageNamingThePhaseTheEngineItsWordsAndTheWayOut() {
        // what Podman 5 answered to an exec as a user created in an earlier phase, as the engine layer words it
        var refused = new dev.habitat.core.engine.EngineRefusedException("Podman 5.8.6 at unix:///run/podman/podman.sock",
                "run a command as dev in the build container", 500, "unable to find user dev: no matching entries in passwd file",
                new RuntimeException("Status 500: {...}"));
        HabitatException e = assertFailureWhileTheEngineAnswers(refused, "Podman 5.8.6 at unix:///run/podman/podman.sock refused to "
                + "run a command as dev in the build container (HTTP 500: unable to find user dev: no matching entries in passwd file)",
                "fix what the message names");
        assertTrue(!e.getMessage().contains("Status 500"), "docker-java's wording stays out: " + e.getMessage());
    }

    /** A method failing with {@code failure} while the engine answers: one environment failure naming phase and engine. */
    private HabitatException assertFailureWhileTheEngineAnswers(RuntimeException failure, String words, String wayOut) {
        engine.answers = true;
        BuildMethod failing = new BuildMethod() {
            public String name() {
                return "fake";
            }

            public List<PhaseResult> run(SegmentJob job, BuildProgress p) {
                throw failure;
            }

            public PhaseResult applyMachineStep(MachineStepJob job, BuildProgress p) {
                throw failure;
            }
        };
        BuildOptions options = new BuildOptions(Phase.FINAL, null, false, null, dir.resolve("target"), null, null);
        HabitatException e = assertThrows(HabitatException.class,
                () -> new HabitatBuilder(engine, failing, progress).build(plan(CONFIG).graph(), options));
        assertEquals(HabitatException.Kind.ENVIRONMENT, e.kind());
        assertFalse(e instanceof EngineUnavailableException, "the engine answers: not a lost engine");
        assertTrue(e.getMessage().startsWith("habitat: building 1-base failed on Docker 26.1.5 (API 1.45) at tcp://127.0.0.1:1: "
                + words + "\n  way out: " + wayOut), e.getMessage());
        assertTrue(!e.getMessage().contains("lost the Docker engine"), e.getMessage());
        return e;
    }

    @Test
    void theHashesTheMethodIsGivenAreThoseTheSnapshotsAreCheckedAgainst() {
        build(CONFIG, Phase.FINAL, null);
        Set<String> hashLabels = EnumSet.allOf(Phase.class).stream().map(p -> "habitat.hash." + p.phaseName()).collect(Collectors.toSet());
        Map<String, String> labels = engine.images.get("habitat-orchestrated:12-final").labels();
        assertTrue(labels.keySet().containsAll(hashLabels), labels.toString());
        // the labels are the method's (the fake writes what it is given); the check is the builder's: a scripts hash
        // label that is not the hash the builder computes makes 9-scripts and every snapshot carrying it stale
        for (String tag : List.of("habitat-orchestrated:9-scripts", "habitat-orchestrated:12-final")) {
            ImageInfo image = engine.images.get(tag);
            Map<String, String> tampered = new java.util.HashMap<>(image.labels());
            tampered.put("habitat.hash.scripts", "0000000000000000");
            engine.images.put(tag, new ImageInfo(image.id(), Map.copyOf(tampered), image.size(), image.created()));
        }
        int before = method.jobs.size();
        build(CONFIG, Phase.FINAL, null);
        assertEquals(List.of("9-scripts", "10-verify,11-test,12-final"), jobsSince(before), "rebuilt from the tampered snapshot on");
        assertEquals("habitat-orchestrated:8-tools", method.jobs.get(before).fromImage());
        assertEquals(labels.get("habitat.hash.scripts"), engine.images.get("habitat-orchestrated:9-scripts").labels().get("habitat.hash.scripts"),
                "the rebuilt snapshot carries the hash the builder computed, as the first build's did");
    }

    /**
     * The docker socket's group is a machine fact, not an input: a 12-final built on a machine whose socket has group 106
     * is current on one whose socket has group 101 (same hashes), and gets only the machine step there: no phase job is
     * sent, verify and test do not run, and the result (tagged 12-final) carries 101. Built again there: a no-op.
     */
    @Test
    void aFinalMadeForAnotherSocketGroupGetsOnlyTheMachineStepThenIsUpToDate() throws Exception {
        machine = new MachineFacts(java.util.Optional.of("106"));
        build(CONFIG, Phase.FINAL, null);
        Map<String, String> built = engine.images.get("habitat-orchestrated:12-final").labels();
        assertEquals("106", built.get(MachineFacts.LABEL_DOCKER_GID), "a cold build ends with this machine's step");
        assertEquals(Map.of(Planner.DOCKER_GID_ARG, "106"), Map.of(Planner.DOCKER_GID_ARG,
                method.jobs.get(method.jobs.size() - 1).buildArgs().get(Planner.DOCKER_GID_ARG)));
        Map<String, String> idsBefore = idsOfSnapshots();
        int jobs = method.jobs.size();

        machine = new MachineFacts(java.util.Optional.of("101"));
        BuildSummary regrouped = build(CONFIG, Phase.FINAL, null);
        assertEquals(jobs, method.jobs.size(), "no phase was sent to the method");
        assertEquals(1, method.machineSteps.size());
        MachineStepJob step = method.machineSteps.get(0);
        assertEquals("habitat-orchestrated:12-final", step.image());
        assertEquals("habitat-orchestrated:12-final", step.tag());
        assertEquals(Map.of(Planner.DOCKER_GID_ARG, "101"), step.buildArgs());
        Map<String, String> after = engine.images.get("habitat-orchestrated:12-final").labels();
        assertEquals("101", after.get(MachineFacts.LABEL_DOCKER_GID));
        for (Phase p : Phase.values()) {
            assertEquals(built.get("habitat.hash." + p.phaseName()), after.get("habitat.hash." + p.phaseName()),
                    "the hashes do not depend on the socket's group: " + p);
        }
        Map<String, String> idsAfter = idsOfSnapshots();
        idsBefore.keySet().stream().filter(t -> !t.endsWith(":12-final"))
                .forEach(t -> assertEquals(idsBefore.get(t), idsAfter.get(t), t + " was not touched"));
        assertFalse(regrouped.upToDate());
        assertEquals("habitat-orchestrated:12-final", regrouped.finalImage());
        assertEquals(statuses("snapshot", "regrouped"), reportedStatuses());
        assertTrue(log.contains("habitat: habitat-orchestrated:12-final has the current hashes but was made for another machine "
                + "(habitat.machine.docker-gid is 106, here 101): applying only the machine step (the docker socket's group) with the "
                + "fake method; no phase is rebuilt"), log.toString());

        BuildSummary again = build(CONFIG, Phase.FINAL, null);
        assertTrue(again.upToDate(), "machine and hashes match: nothing to do");
        assertEquals(1, method.machineSteps.size(), "no machine step either");
        assertEquals(jobs, method.jobs.size());
        assertEquals(statuses("snapshot", "snapshot"), reportedStatuses());
    }

    /** An engine without a local socket (no group) takes a final made with one for another machine's, and the reverse. */
    @Test
    void noGroupIsAMachineFactToo() {
        machine = new MachineFacts(java.util.Optional.of("106"));
        build(CONFIG, Phase.FINAL, null);
        machine = MachineFacts.none();
        build(CONFIG, Phase.FINAL, null);
        assertEquals(1, method.machineSteps.size());
        assertEquals(Map.of(), method.machineSteps.get(0).buildArgs(), "no group to give");
        assertEquals("none", engine.images.get("habitat-orchestrated:12-final").labels().get(MachineFacts.LABEL_DOCKER_GID));
    }

    /**
     * Machine A (socket group 106) builds and pushes; machine B (group 101), with no snapshot, pulls A's 12-final by the
     * machine-independent hash, accepts it and applies only its own machine step: every phase pulled or passed, 12-final
     * regrouped. Pushing from B then sends nothing (the registry has that state's tag already).
     */
    @Test
    void aFinalPulledFromAnotherMachineIsAcceptedAndRegroupedNotRebuilt() throws Exception {
        Sharing push = new Sharing(ImageReference.parse("127.0.0.1:5000/team", false), null, true, null);
        machine = new MachineFacts(java.util.Optional.of("106"));
        build(CONFIG, Phase.FINAL, null, push);
        assertEquals(10, engine.registry.size(), "A pushed its ten snapshots: " + engine.registry.keySet());
        String pushedFinal = engine.registry.keySet().stream().filter(t -> t.contains(":12-final-")).findFirst().orElseThrow();
        assertEquals("106", engine.registry.get(pushedFinal).labels().get(MachineFacts.LABEL_DOCKER_GID),
                "12-final goes with the pusher's machine step");

        // machine B: the same registry, no local snapshot, another socket group
        snapshotTags().forEach(engine.images::remove);
        int jobs = method.jobs.size();
        machine = new MachineFacts(java.util.Optional.of("101"));
        BuildSummary b = build(CONFIG, Phase.FINAL, null, push);
        assertEquals(jobs, method.jobs.size(), "no phase was built");
        assertEquals(1, method.machineSteps.size());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("habitat: pulled 12-final from 127.0.0.1:5000/team/habitat-orchestrated:12-final-")),
                log.toString());
        assertTrue(log.stream().noneMatch(l -> l.contains("does not carry the hashes")), "the pulled 12-final is accepted: " + log);
        assertEquals(statuses("pulled", "regrouped"), reportedStatuses());
        assertEquals("101", engine.images.get("habitat-orchestrated:12-final").labels().get(MachineFacts.LABEL_DOCKER_GID));
        assertEquals("106", engine.registry.get(pushedFinal).labels().get(MachineFacts.LABEL_DOCKER_GID),
                "the registry's tag is never moved: B's push found it there");
        assertEquals(10, engine.registry.size());
        assertEquals("habitat-orchestrated:12-final", b.finalImage());
    }

    /**
     * On the containerd image store a pulled snapshot may lack its lower layers' blobs, so B (another socket group, no
     * snapshot) resumes from A's pulled 8-tools after a script change with the method for pulled layers (docker-exec),
     * not BuildKit; and so does its next change, which resumes from that same 8-tools, now local (its id is the
     * registry's digest), and the one after a failure. A snapshot B built on its own base goes to BuildKit again.
     */
    @Test
    void onTheContainerdStoreAChangeResumesFromAPulledSnapshotWithTheMethodForPulledLayers() throws Exception {
        Sharing push = new Sharing(ImageReference.parse("127.0.0.1:5000/team", false), null, true, null);
        machine = new MachineFacts(java.util.Optional.of("106"));
        build(CONFIG, Phase.FINAL, null, push);
        snapshotTags().forEach(engine.images::remove);
        engine.containerdStore = true;
        FakeMethod exec = new FakeMethod(engine, "docker-exec");
        method.forPulledLayers = exec;
        machine = new MachineFacts(java.util.Optional.of("101"));
        int jobs = method.jobs.size();

        build(CONFIG.replace("echo one", "echo two"), Phase.FINAL, null, push);
        assertEquals(jobs, method.jobs.size(), "nothing went to the BuildKit stand-in");
        assertEquals(List.of("9-scripts", "10-verify,11-test,12-final"),
                exec.jobs.stream().map(j -> j.phases().stream().map(Phase::tagSuffix).collect(Collectors.joining(","))).toList());
        assertEquals("habitat-orchestrated:8-tools", exec.jobs.get(0).fromImage());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("habitat: pulled 8-tools from 127.0.0.1:5000/team/habitat-orchestrated:8-tools-")),
                log.toString());
        assertTrue(log.contains("habitat: build method docker-exec"), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("habitat: habitat-orchestrated:8-tools stands on layers pulled into the containerd image store")),
                log.toString());
        Map<String, String> s = reportedStatuses();
        assertEquals("pulled", s.get("8-tools"));
        assertEquals("built", s.get("9-scripts"));

        // the next change resumes from the same 8-tools, local now and pulled by the earlier build
        exec.jobs.clear();
        build(CONFIG.replace("echo one", "echo three"), Phase.FINAL, null, push);
        assertEquals(jobs, method.jobs.size(), "nothing went to the BuildKit stand-in: " + log);
        assertEquals("habitat-orchestrated:8-tools", exec.jobs.get(0).fromImage());
        assertEquals("snapshot", reportedStatuses().get("8-tools"));

        // a chain B built from its own base (its 8-tools is not the registry's): BuildKit
        snapshotTags().forEach(engine.images::remove);
        build(CONFIG.replace("echo one", "echo five"), Phase.FINAL, Phase.BASE, null);
        exec.jobs.clear();
        int buildKitJobs = method.jobs.size();
        assertTrue(buildKitJobs > jobs, "B built its own chain with the BuildKit stand-in");
        build(CONFIG.replace("echo one", "echo six"), Phase.FINAL, null, push);
        assertTrue(exec.jobs.isEmpty(), "a chain of this engine's is BuildKit's: " + log);
        assertEquals(List.of("9-scripts", "10-verify,11-test,12-final"), jobsSince(buildKitJobs));

        // a snapshot docker-exec made here, in a habitat that shares through no registry, stands on this engine's own
        // layers: BuildKit resumes from it
        String tools = "habitat-orchestrated:8-tools";
        ImageInfo made = engine.images.get(tools);
        Map<String, String> byExec = new java.util.HashMap<>(made.labels());
        byExec.put(SnapshotLabels.LABEL_METHOD, "docker-exec");
        engine.images.put(tools, new ImageInfo(made.id(), byExec, made.size(), made.created()));
        int before = method.jobs.size();
        build(CONFIG.replace("echo one", "echo seven"), Phase.FINAL, null, null);
        assertTrue(exec.jobs.isEmpty(), "without a registry no layer was pulled: BuildKit resumes: " + log);
        assertEquals(List.of("9-scripts", "10-verify,11-test,12-final"), jobsSince(before));
    }
}
