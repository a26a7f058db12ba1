package dev.habitat.core.method;

import dev.habitat.core.engine.trace.BuildKitStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The output of build steps as lines, and the last lines of each step for a failure's report. BuildKit sends chunks:
 * partial lines are completed per stream (a stdout line is not completed by stderr bytes), and the last lines of each
 * step are kept in the order the engine read them. The arrival order of stdout and stderr chunks differs between
 * BuildKit versions (0.13 sends a step's stderr before its earlier stdout), their timestamps do not. An exec's lines come whole and in order. Not thread-safe: one build feeds it.
 */
final class StepOutputTail {
    private record TimedLine(Instant at, long seq, String text) {}

    private final int keep;
    private final Map<String, StringBuilder> partial = new HashMap<>();
    private final Map<String, Deque<TimedLine>> lines = new HashMap<>();
    private long seq;

    StepOutputTail(int keep) {
        this.keep = keep;
    }

    /** Takes a chunk; returns the lines it completed, in arrival order (for live progress). */
    List<String> add(BuildKitStatus.VertexLog log) {
        StringBuilder buf = partial.computeIfAbsent(log.vertex() + "/" + log.stream(), k -> new StringBuilder()).append(log.text());
        List<String> completed = new ArrayList<>();
        int nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
            String line = buf.substring(0, nl).replace("\r", "");
            buf.delete(0, nl + 1);
            append(log.vertex(), new TimedLine(log.at() == null ? Instant.EPOCH : log.at(), seq++, line));
            completed.add(line);
        }
        return completed;
    }

    /**
     * Takes a complete line of a step whose output comes line by line (an exec), kept as it is, after the lines before it.
     */
    void addLine(String step, String line) {
        append(step, new TimedLine(Instant.EPOCH, seq++, line));
    }

    private void append(String step, TimedLine line) {
        Deque<TimedLine> tail = lines.computeIfAbsent(step, k -> new ArrayDeque<>());
        tail.addLast(line);
        if (tail.size() > keep) {
            tail.removeFirst();
        }
    }

    /** A step's last lines, by the time the engine read them, then arrival. */
    List<String> last(String vertex) {
        return lines.getOrDefault(vertex, new ArrayDeque<>()).stream()
                .sorted(Comparator.comparing(TimedLine::at).thenComparingLong(TimedLine::seq))
                .map(TimedLine::text).toList();
    }
}
