package dev.habitat.core.method.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.ImageConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The commit changes of the docker-exec method in each engine's dialect. */
class ExecCommitChangesTest {
    private static final String GREETING = "Hello, \"habitat\" with $dollars, `backticks` and a \\backslash";

    private static ExecImageState state() {
        return new ExecImageState(new ImageConfig(List.of("PATH=/usr/bin:/bin", "GREETING=" + GREETING), List.of("/entrypoint.sh"),
                List.of("/bin/bash", "-c", "hello"), "dev", "/workspace"));
    }

    @Test
    void dockerParsesChangesAsDockerfileInstructionsSoValuesAreEscaped() {
        List<String> changes = ExecImageState.changes(state(), false);
        assertTrue(changes.contains("ENV GREETING=\"Hello, \\\"habitat\\\" with \\$dollars, `backticks` and a \\\\backslash\""), changes.toString());
        assertTrue(changes.contains("ENTRYPOINT [\"/entrypoint.sh\"]") && changes.contains("USER dev") && changes.contains("WORKDIR /workspace"));
    }

    @Test
    void podmanOnlyStripsTheSurroundingQuotesSoValuesGoAsTheyAre() {
        List<String> changes = ExecImageState.changes(state(), true);
        assertTrue(changes.contains("ENV GREETING=\"" + GREETING + "\""), changes.toString());
        assertTrue(changes.contains("LABEL habitat.method=\"docker-exec\""), changes.toString());
        assertEquals("CMD [\"/bin/bash\",\"-c\",\"hello\"]", changes.get(changes.size() - 1));
    }
}
