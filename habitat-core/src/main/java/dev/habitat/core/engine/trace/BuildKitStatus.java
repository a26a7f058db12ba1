package dev.habitat.core.engine.trace;

import dev.habitat.core.engine.proto.ProtoWire;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoded {@code moby.buildkit.v1.StatusResponse}, the payload of the engine's
 * {@code moby.buildkit.trace} messages. The proto is small and stable, so it is read with a hand-written
 * protobuf wire decoder: vertexes=1 (digest=1, inputs=2, name=3, cached=4, started=5, completed=6,
 * error=7), statuses=2, logs=3 (vertex=1, timestamp=2, stream=3, msg=4).
 */
public record BuildKitStatus(List<Vertex> vertexes, List<VertexLog> logs) {

    public record Vertex(String digest, List<String> inputs, String name, boolean cached, Instant started,
                         Instant completed, String error) {}

    /** A chunk of a step's output: stream 1 stdout, 2 stderr; {@code at} when the engine read it (may be null). */
    public record VertexLog(String vertex, Instant at, int stream, byte[] message) {
        public String text() {
            return new String(message, StandardCharsets.UTF_8);
        }
    }

    public static BuildKitStatus decode(byte[] bytes) {
        List<Vertex> vertexes = new ArrayList<>();
        List<VertexLog> logs = new ArrayList<>();
        ProtoWire.Reader w = new ProtoWire.Reader(bytes, 0, bytes.length);
        while (w.more()) {
            long key = w.varint();
            int field = (int) (key >>> 3);
            int type = (int) (key & 7);
            if (field == 1 && type == 2) {
                vertexes.add(vertex(w.message()));
            } else if (field == 3 && type == 2) {
                logs.add(log(w.message()));
            } else {
                w.skip(type);
            }
        }
        return new BuildKitStatus(vertexes, logs);
    }

    private static Vertex vertex(ProtoWire.Reader w) {
        String digest = null;
        String name = null;
        String error = null;
        boolean cached = false;
        Instant started = null;
        Instant completed = null;
        List<String> inputs = new ArrayList<>();
        while (w.more()) {
            long key = w.varint();
            int field = (int) (key >>> 3);
            int type = (int) (key & 7);
            switch (field) {
                case 1 -> digest = w.string(type);
                case 2 -> inputs.add(w.string(type));
                case 3 -> name = w.string(type);
                case 4 -> cached = type == 0 ? w.varint() != 0 : skipAndFalse(w, type);
                case 5 -> started = timestamp(w, type);
                case 6 -> completed = timestamp(w, type);
                case 7 -> error = w.string(type);
                default -> w.skip(type);
            }
        }
        return new Vertex(digest, List.copyOf(inputs), name, cached, started, completed, error);
    }

    private static VertexLog log(ProtoWire.Reader w) {
        String vertex = null;
        Instant at = null;
        int stream = 0;
        byte[] msg = new byte[0];
        while (w.more()) {
            long key = w.varint();
            int field = (int) (key >>> 3);
            int type = (int) (key & 7);
            switch (field) {
                case 1 -> vertex = w.string(type);
                case 2 -> at = timestamp(w, type);
                case 3 -> stream = type == 0 ? (int) w.varint() : skipAndZero(w, type);
                case 4 -> msg = type == 2 ? w.bytes() : skipAndEmpty(w, type);
                default -> w.skip(type);
            }
        }
        return new VertexLog(vertex, at, stream, msg);
    }

    private static Instant timestamp(ProtoWire.Reader outer, int type) {
        if (type != 2) {
            outer.skip(type);
            return null;
        }
        ProtoWire.Reader w = outer.message();
        long seconds = 0;
        long nanos = 0;
        while (w.more()) {
            long key = w.varint();
            int field = (int) (key >>> 3);
            int t = (int) (key & 7);
            if (field == 1 && t == 0) {
                seconds = w.varint();
            } else if (field == 2 && t == 0) {
                nanos = w.varint();
            } else {
                w.skip(t);
            }
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static boolean skipAndFalse(ProtoWire.Reader w, int type) {
        w.skip(type);
        return false;
    }

    private static int skipAndZero(ProtoWire.Reader w, int type) {
        w.skip(type);
        return 0;
    }

    private static byte[] skipAndEmpty(ProtoWire.Reader w, int type) {
        w.skip(type);
        return new byte[0];
    }
}
