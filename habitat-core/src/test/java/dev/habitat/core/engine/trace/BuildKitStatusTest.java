package dev.habitat.core.engine.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.habitat.core.Json;
import dev.habitat.core.engine.proto.ProtoWire;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildKitStatusTest {

    private static ProtoWire.Writer ts(long seconds, int nanos) {
        return new ProtoWire.Writer().varint(1, seconds).varint(2, nanos);
    }

    @Test
    void decodesVertexesWithTimestampsCacheAndErrorsAndSkipsUnknownFields() {
        byte[] msg = new ProtoWire.Writer()
                .message(1, new ProtoWire.Writer().string(1, "sha256:a").string(2, "sha256:in1").string(2, "sha256:in2")
                        .string(3, "[scripts 2/3] RUN bash /run/habitat/script/run.sh").varint(4, 1)
                        .message(5, ts(1700000000, 5)).message(6, ts(1700000001, 0)).string(7, "exit code: 3")
                        .varint(8, 42))
                .message(2, new ProtoWire.Writer().string(1, "status-id"))
                .toBytes();
        BuildKitStatus s = BuildKitStatus.decode(msg);
        assertEquals(1, s.vertexes().size());
        BuildKitStatus.Vertex v = s.vertexes().get(0);
        assertEquals("sha256:a", v.digest());
        assertEquals(List.of("sha256:in1", "sha256:in2"), v.inputs());
        assertTrue(v.cached());
        assertEquals(Instant.ofEpochSecond(1700000000, 5), v.started());
        assertEquals(Instant.ofEpochSecond(1700000001), v.completed());
        assertEquals("exit code: 3", v.error());
    }

    @Test
    void decodesLogsWithNestedTimestamps() {
        byte[] msg = new ProtoWire.Writer()
                .message(3, new ProtoWire.Writer().string(1, "sha256:v").message(2, ts(1, 2)).varint(3, 2)
                        .bytes(4, "hello\nworld\n".getBytes()))
                .toBytes();
        BuildKitStatus s = BuildKitStatus.decode(msg);
        assertEquals(0, s.vertexes().size());
        assertEquals("sha256:v", s.logs().get(0).vertex());
        assertEquals(2, s.logs().get(0).stream());
        assertEquals("hello\nworld\n", s.logs().get(0).text());
    }

    @Test
    void decodesARealTraceMessageOfTheEngine() {
        // Captured from Docker 20.10's /build?version=2 stream: a log line "hi" of a RUN step.
        byte[] real = java.util.HexFormat.of().parseHex("1a5e0a477368613235363a34346230383134663136303364663665636563383365373035356530623731626365343032323035353836303866363036636664323664376564623336623830120c0882da92d80610b290879f021801220368690a");
        BuildKitStatus s = BuildKitStatus.decode(real);
        assertEquals("hi\n", s.logs().get(0).text());
        assertEquals(1, s.logs().get(0).stream());
        assertTrue(s.logs().get(0).vertex().startsWith("sha256:44b0814f"));
        byte[] vertex = Base64.getDecoder().decode("CokBCkdzaGEyNTY6MWQ1NGQxY2VlMGU1ZTRmZjZmMjJjN2FlMWZjZGYyYjNkMThjMzU2Yzk2MzMxNTMxYTdiZmIxYzg2NWYwYWNjMxokW2ludGVybmFsXSBsb2FkIHJlbW90ZSBidWlsZCBjb250ZXh0KgsI+9mS2AYQtN/bGTILCPvZktgGEO30mR0=");
        BuildKitStatus.Vertex v = BuildKitStatus.decode(vertex).vertexes().get(0);
        assertEquals("[internal] load remote build context", v.name());
        assertFalse(v.cached());
        assertNull(v.error());
        assertTrue(v.completed().isAfter(v.started()));
    }

    @Test
    void truncatedMessagesAreRejectedNotMisread() {
        byte[] msg = new ProtoWire.Writer().message(1, new ProtoWire.Writer().string(3, "name")).toBytes();
        byte[] cut = java.util.Arrays.copyOf(msg, msg.length - 2);
        assertThrows(IllegalArgumentException.class, () -> BuildKitStatus.decode(cut));
    }

    /** A captured answer to {@code POST /build?version=2}: every trace message decoded, merged per vertex as the engine updates it. */
    private record Trace(Map<String, BuildKitStatus.Vertex> vertexes, List<BuildKitStatus.VertexLog> logs, List<String> otherLines) {
        static Trace of(String resource) throws Exception {
            Map<String, BuildKitStatus.Vertex> vertexes = new LinkedHashMap<>();
            List<BuildKitStatus.VertexLog> logs = new ArrayList<>();
            List<String> other = new ArrayList<>();
            try (InputStream in = BuildKitStatusTest.class.getResourceAsStream("/engine-captures/" + resource)) {
                assertNotNull(in, resource);
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    JsonNode message = Json.tree(line);
                    if (!"moby.buildkit.trace".equals(message.path("id").asText())) {
                        other.add(line);
                        continue;
                    }
                    BuildKitStatus s = BuildKitStatus.decode(Base64.getDecoder().decode(message.path("aux").asText()));
                    s.vertexes().forEach(v -> vertexes.merge(v.digest(), v, Trace::later));
                    logs.addAll(s.logs());
                }
            }
            return new Trace(vertexes, logs, other);
        }

        /** The engine sends a vertex again as it changes: what the later message says wins where it says anything. */
        private static BuildKitStatus.Vertex later(BuildKitStatus.Vertex a, BuildKitStatus.Vertex b) {
            return new BuildKitStatus.Vertex(a.digest(), b.inputs().isEmpty() ? a.inputs() : b.inputs(), b.name() == null ? a.name() : b.name(),
                    a.cached() || b.cached(), b.started() == null ? a.started() : b.started(),
                    b.completed() == null ? a.completed() : b.completed(), b.error() == null ? a.error() : b.error());
        }

        BuildKitStatus.Vertex named(String start) {
            return vertexes.values().stream().filter(v -> v.name() != null && v.name().startsWith(start)).findFirst()
                    .orElseThrow(() -> new AssertionError("no vertex " + start + " in " + vertexes.values()));
        }

        String output(BuildKitStatus.Vertex v, int stream) {
            return logs.stream().filter(l -> l.vertex().equals(v.digest()) && l.stream() == stream).map(BuildKitStatus.VertexLog::text)
                    .collect(Collectors.joining());
        }
    }

    /**
     * Traces of real engines, captured with {@code src/test/resources/engine-captures/capture-build-traces.sh} from
     * Docker 20.10 (the host engine) and Docker 26: a RUN writing to stdout and stderr, the same again from the cache,
     * and a RUN exiting 3. Every field the tracker reads is checked against what the engine actually sent.
     */
    @ParameterizedTest
    @ValueSource(strings = {"docker20", "docker26"})
    void decodesTheTracesRealEnginesSent(String engine) throws Exception {
        Trace run = Trace.of(engine + "-1-run.jsonl");
        BuildKitStatus.Vertex from = run.named("[1/2] FROM ");
        BuildKitStatus.Vertex step = run.named("[2/2] RUN echo \"captured-out ");
        assertTrue(step.name().endsWith("&& echo captured-err >&2"), step.name());
        assertTrue(step.digest().matches("sha256:[0-9a-f]{64}"), step.digest());
        assertEquals(List.of(from.digest()), step.inputs(), "the RUN step's input is the FROM step");
        assertFalse(step.cached());
        assertNotNull(step.started());
        assertTrue(step.completed().isAfter(step.started()), step.started() + " .. " + step.completed());
        assertTrue(step.started().isAfter(Instant.parse("2026-01-01T00:00:00Z")), "seconds and nanos of a real clock: " + step.started());
        assertNull(step.error());
        assertTrue(run.output(step, 1).startsWith("captured-out "), "stdout is stream 1: " + run.output(step, 1));
        assertEquals("captured-err\n", run.output(step, 2), "stderr is stream 2");
        assertTrue(run.named("[internal] load remote build context").completed() != null);
        assertTrue(run.otherLines().stream().anyMatch(l -> l.contains("moby.image.id")), "the image id comes beside the trace");

        Trace cached = Trace.of(engine + "-2-cached.jsonl");
        BuildKitStatus.Vertex again = cached.named("[2/2] RUN echo \"captured-out ");
        assertEquals(step.digest(), again.digest(), "the same step");
        assertTrue(again.cached(), "the second build's step comes from the cache");
        assertEquals("", cached.output(again, 1), "a cached step prints nothing");

        Trace failed = Trace.of(engine + "-3-failed.jsonl");
        BuildKitStatus.Vertex failing = failed.named("[2/2] RUN echo before-failing && exit 3");
        // Docker 20.10: "executor failed running [/bin/sh -c ...]: exit code: 3"; 26: "process ... did not complete successfully: exit code: 3"
        assertTrue(failing.error().endsWith(": exit code: 3"), failing.error());
        assertEquals("before-failing\n", failed.output(failing, 1));
        assertNull(failed.named("[1/2] FROM ").error());
    }
}

