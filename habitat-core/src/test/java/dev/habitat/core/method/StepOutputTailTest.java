package dev.habitat.core.method;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.habitat.core.engine.trace.BuildKitStatus.VertexLog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepOutputTailTest {
    private static VertexLog log(String vertex, long second, int stream, String text) {
        return new VertexLog(vertex, Instant.ofEpochSecond(1_700_000_000L, second * 1_000_000L), stream,
                text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void lastLinesFollowTheEnginesClockNotTheArrivalOrder() {
        var tail = new StepOutputTail(20);
        // as BuildKit 0.13 sends them: the step's stderr first, though its stdout was read earlier
        assertEquals(List.of("habitat: command 2 failed with exit code 3"), tail.add(log("sha256:a", 30, 2, "habitat: command 2 failed with exit code 3\n")));
        assertEquals(List.of("first command fine", "about to fail"), tail.add(log("sha256:a", 10, 1, "first command fine\nabout to fail\n")));
        assertEquals(List.of("first command fine", "about to fail", "habitat: command 2 failed with exit code 3"), tail.last("sha256:a"));
    }

    @Test
    void partialLinesAreCompletedPerStreamAndTheTailIsBounded() {
        var tail = new StepOutputTail(2);
        assertEquals(List.of(), tail.add(log("v", 1, 1, "hal")));
        assertEquals(List.of("err"), tail.add(log("v", 2, 2, "err\n")));
        assertEquals(List.of("half", "x"), tail.add(log("v", 3, 1, "f\nx\n")));
        assertEquals(List.of("half", "x"), tail.last("v"), "the two newest lines, stderr's older one dropped");
        assertEquals(List.of(), tail.last("other"));
    }
}
