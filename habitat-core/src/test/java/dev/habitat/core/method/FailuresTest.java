package dev.habitat.core.method;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.habitat.core.Phase;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailuresTest {
    @Test
    void aFailedScriptNamesItsFailingCommandAndShowsItsOutputWithoutTheRunnersTimingLines() {
        Operation.RunScript script = new Operation.RunScript("dev", List.of("echo first", "exit 3"), "scripts[0] [dev] echo first",
                "scripts/scripts/0");
        Stage stage = new Stage("scripts", Phase.SCRIPTS, Stage.Role.CORE, "tools", List.of(script));
        BuildFailedException e = Failures.report(Phase.SCRIPTS, stage, script, "bash run.sh", 3,
                List.of("first", "habitat: scripts[0] command 1 took 0.012 s", "habitat: command 2 failed with exit code 3"), null);
        assertEquals(List.of("first", "habitat: command 2 failed with exit code 3"), e.lastLines());
        assertEquals("exit 3", e.command());
        assertEquals(3, e.exitCode());
    }
}
