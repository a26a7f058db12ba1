package dev.habitat.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.habitat.core.Phase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTimesTest {
    @Test
    void theRunnersTimingLinesBecomeCommandTimingsAndEveryLineIsPassedOn() {
        List<String> passed = new ArrayList<>();
        BuildProgress target = new BuildProgress() {
            public void info(String m) {}
            public void warn(String m) {}
            public void phaseStarted(Phase p) {}
            public void phaseFinished(PhaseResult r) {}
            public void output(Phase p, String stage, String line) {
                passed.add(stage + ": " + line);
            }
        };
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        CommandTimes times = new CommandTimes(target, Clock.fixed(now, ZoneOffset.UTC));
        times.output(Phase.SCRIPTS, "scripts", "Setting up nodejs (18.19.0) ...");
        times.output(Phase.SCRIPTS, "scripts", "habitat: scripts[1] command 2 took 12.345 s");
        times.output(Phase.TEST, "test", "habitat: tests command 1 took 0.050 s\n");
        times.output(Phase.SCRIPTS, "scripts", "echo habitat: scripts[1] command 3 took 1.000 s (a command that prints it is not timed)");

        assertEquals(List.of(new CommandTiming(Phase.SCRIPTS, "scripts", "scripts[1]", 2, now, Duration.ofMillis(12_345)),
                new CommandTiming(Phase.TEST, "test", "tests", 1, now, Duration.ofMillis(50))), times.timings());
        assertEquals(4, passed.size(), passed.toString());
        assertEquals(now.minusMillis(12_345), times.timings().get(0).start());
        assertEquals("scripts[1] command 2", times.timings().get(0).label());
    }
}
