package dev.habitat.core.engine.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.proto.ProtoWire;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
