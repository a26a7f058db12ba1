package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.habitat.core.Fixture;
import dev.habitat.core.Json;
import dev.habitat.core.Phase;
import dev.habitat.core.RecordingProgress;
import dev.habitat.core.engine.BuildEvents;
import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.EngineUnavailableException;
import dev.habitat.core.engine.trace.BuildKitStatus;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.method.buildkit.BuildKitMethod;
import dev.habitat.core.plan.MachineFacts;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.report.BuildSummary;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BuildKit method over the fake engine, driven by the builder as a build drives it: what it asks the engine (one
 * request for the segment through a session, or with a tar body where the engine refuses sessions; one small request
 * per snapshot to tag), how it reads the trace the engine plays back, and what a failing step or a lost engine leaves.
 */
class BuildKitMethodTest {
    private static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");

    @TempDir
    Path dir;
    private final FakeEngine engine = new FakeEngine();
    private StageGraph graph;
    private final RecordingProgress progress = new RecordingProgress();
    /** The phase whose script step fails with exit code 3, or null. */
    private Phase failIn;
    /** The phase at whose first step the connection breaks and the engine stops answering, or null. */
    private Phase loseIn;
    /** What the tar body held, read while the engine "builds" it. */
    private final List<String> tarEntries = new ArrayList<>();

    @BeforeEach
    void setUp() {
        engine.put("debian:bookworm", Map.of());
        engine.builds = this::answer;
        graph = new Fixture(dir).write("habitat/config.yaml", Fixture.SCRIPTED.formatted("traced")).plan().graph();
    }

    private BuildSummary build() {
        BuildOptions options = new BuildOptions(Phase.FINAL, null, false, null, dir.resolve("target"), null, null);
        return new HabitatBuilder(engine, new BuildKitMethod(engine), progress, new ExternalInputResolver(host -> MachineFacts.none()))
                .build(graph, options);
    }

    /**
     * Plays BuildKit: the segment's request (it carries a build id) runs every stage up to its target, one step each,
     * as the trace reports them; a tag request (no build id) is answered from the "cache". Tags land as images.
     */
    private BuildOutcome answer(BuildRequest r, BuildEvents events) {
        if (r.contextTar() != null) {
            tarEntries.addAll(entries(r.contextTar()));
        }
        if (r.buildId() == null) {
            return new BuildOutcome(engine.put(r.tags().get(0), Map.of(SnapshotLabels.LABEL_METHOD, r.labels().get(SnapshotLabels.LABEL_METHOD))), null);
        }
        int second = 0;
        for (Stage s : graph.stages()) {
            if (s.role() == Stage.Role.SIDE) {
                continue;
            }
            String digest = "sha256:" + s.name();
            String name = "[" + s.name() + " 2/2] RUN step of " + s.name();
            if (s.phase() == loseIn) {
                events.status(status(vertex(digest, name, second, -1, null)));
                engine.answers = false;
                throw new IllegalStateException("the build request broke", new java.io.IOException("Connection reset by peer"));
            }
            events.status(status(vertex(digest, name, second, -1, null)));
            if (s.phase() == failIn && s.name().equals(graph.lastStageOf(failIn).name())) {
                events.status(new BuildKitStatus(List.of(), List.of(new BuildKitStatus.VertexLog(digest, T0, 1,
                        "habitat: scripts[0] command 1 failed with exit code 3\n".getBytes(StandardCharsets.UTF_8)))));
                String error = "process \"/bin/sh -c step\" did not complete successfully: exit code: 3";
                events.status(status(vertex(digest, name, second, second + 1, error)));
                return new BuildOutcome(null, "failed to solve: " + error);
            }
            events.status(status(vertex(digest, name, second, second + 1, null)));
            second++;
            if (s.name().equals(r.target())) {
                break;
            }
        }
        return new BuildOutcome(engine.put(r.tags().get(0), Map.of(SnapshotLabels.LABEL_METHOD, r.labels().get(SnapshotLabels.LABEL_METHOD))), null);
    }

    private static BuildKitStatus status(BuildKitStatus.Vertex v) {
        return new BuildKitStatus(List.of(v), List.of());
    }

    private static BuildKitStatus.Vertex vertex(String digest, String name, int start, int end, String error) {
        return new BuildKitStatus.Vertex(digest, List.of(), name, false, T0.plusSeconds(start), end < 0 ? null : T0.plusSeconds(end), error);
    }

    private static List<String> entries(Path tar) {
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
                names.add(e.getName());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return names;
    }

    private List<BuildRequest> segmentRequests() {
        return engine.buildRequests.stream().filter(r -> r.buildId() != null).toList();
    }

    private List<String> tagRequests() {
        return engine.buildRequests.stream().filter(r -> r.buildId() == null).map(r -> r.target() + " -> " + r.tags().get(0)).toList();
    }

    private String tagRequest(Phase p) {
        return graph.lastStageOf(p).name() + " -> habitat-traced:" + p.tagSuffix();
    }

    @Test
    void oneRequestForTheSegmentThroughASessionAndOneTagRequestPerSnapshotAsItsPhaseCompletes() throws Exception {
        engine.sessions = true;
        BuildSummary summary = build();

        BuildRequest main = segmentRequests().get(0);
        assertEquals(1, segmentRequests().size(), "a cold build is one segment");
        assertEquals(graph.lastStageOf(Phase.FINAL).name(), main.target());
        assertEquals(List.of("habitat-traced:12-final"), main.tags());
        assertEquals(Map.of(SnapshotLabels.LABEL_METHOD, "buildkit"), main.labels());
        assertNull(main.contextTar(), "the session serves the context");
        assertEquals("fake-session-1", main.sessionId());
        assertFalse(main.noCache());

        FakeEngine.OpenedSession session = engine.openedSessions.get(0);
        assertEquals("traced", session.name());
        assertEquals(List.of("context", "dockerfile"), session.dirs().keySet().stream().sorted().toList());
        assertTrue(session.sharedKey().startsWith("habitat-"), session.sharedKey());
        try (InputStream in = session.dirs().get("dockerfile").entries().get(0).open()) {
            String dockerfile = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(dockerfile.contains("FROM debian:bookworm AS " + graph.stages().get(0).name()), dockerfile);
        }
        assertEquals(List.of("fake-session-1"), engine.closedSessions, "closed when the build ends");

        // every snapshotted phase but the last is tagged by a request of its own (12-final is the segment's tag)
        List<String> expected = Arrays.stream(Phase.values()).filter(p -> p.snapshotted() && p != Phase.FINAL).map(this::tagRequest).toList();
        assertEquals(expected, tagRequests());
        for (Phase p : Phase.values()) {
            if (p.snapshotted()) {
                assertTrue(engine.images.containsKey("habitat-traced:" + p.tagSuffix()), p.tagSuffix());
            }
        }
        assertEquals("habitat-traced:12-final", summary.finalImage());
        assertEquals(List.of(), engine.cancelledBuilds, "a build that ended is not cancelled");
    }

    @Test
    void whereTheEngineRefusesSessionsTheContextGoesAsATarBodyThatIsRemovedAfterwards() {
        engine.sessions = false;
        build();
        BuildRequest main = segmentRequests().get(0);
        assertNotNull(main.contextTar());
        assertNull(main.sessionId());
        assertTrue(tarEntries.contains("Dockerfile") && tarEntries.contains(".dockerignore"), tarEntries.toString());
        assertTrue(tarEntries.stream().anyMatch(e -> e.startsWith("scripts/")), "the script runner's directory: " + tarEntries);
        assertFalse(Files.exists(main.contextTar()), "the tar is a temporary file");
        assertTrue(engine.buildRequests.stream().allMatch(r -> main.contextTar().equals(r.contextTar())), "tag requests send the same tar");
    }

    @Test
    void aFailingStepFailsItsPhaseWithItsExitCodeAndOutputAndEarlierSnapshotsAreTagged() throws Exception {
        engine.sessions = true;
        failIn = Phase.SCRIPTS;
        BuildFailedException e = assertThrows(BuildFailedException.class, this::build);
        assertEquals(Phase.SCRIPTS, e.phase());
        assertEquals(Integer.valueOf(3), e.exitCode());
        assertTrue(e.lastLines().contains("habitat: scripts[0] command 1 failed with exit code 3"), e.lastLines().toString());
        assertTrue(progress.lines.contains("output 9-scripts " + graph.lastStageOf(Phase.SCRIPTS).name()
                + " habitat: scripts[0] command 1 failed with exit code 3"), progress.lines.toString());
        assertTrue(engine.images.containsKey("habitat-traced:8-tools"), "the phases before the failure keep their snapshots");
        assertFalse(engine.images.containsKey("habitat-traced:9-scripts"));
        assertFalse(engine.images.containsKey("habitat-traced:12-final"));
        assertFalse(tagRequests().contains(tagRequest(Phase.SCRIPTS)));

        // the failed phase is recorded once, with the time its steps ran (one second each in the played trace),
        // and the report shows that record
        assertEquals(1, progress.lines.stream().filter(l -> l.equals("finished 9-scripts")).count(), progress.lines.toString());
        long scriptStages = graph.stagesOf(Phase.SCRIPTS).stream().filter(s -> s.role() != Stage.Role.SIDE).count();
        assertEquals(java.time.Duration.ofSeconds(scriptStages), e.recorded().orElseThrow().duration());
        JsonNode phases = Json.tree(dir.resolve("target/traced/report.json")).get("phases");
        JsonNode failed = phases.get(phases.size() - 1);
        assertEquals("9-scripts", failed.get("phase").asText());
        assertEquals("failed", failed.get("status").asText());
        assertEquals((double) scriptStages, failed.get("seconds").asDouble(), 0.001, "the report's duration is the method's");
    }

    @Test
    void anEngineLostMidSegmentNamesThePhaseItWasBuildingAndTheNewestSnapshotTagged() {
        engine.sessions = true;
        loseIn = Phase.REPOS;
        EngineUnavailableException e = assertThrows(EngineUnavailableException.class, this::build);
        assertTrue(e.getMessage().contains("lost the Docker engine at tcp://127.0.0.1:1 while building 7-repos"), e.getMessage());
        assertTrue(e.getMessage().contains("Snapshots up to habitat-traced:6-files are kept"), e.getMessage());
        assertEquals(List.of("fake-session-1"), engine.closedSessions, "the session is closed on the way out");
    }
}
