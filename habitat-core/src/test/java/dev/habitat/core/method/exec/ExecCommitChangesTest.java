package dev.habitat.core.method.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.EngineInfo;
import dev.habitat.core.engine.ImageConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The commit changes of the docker-exec method in each engine's dialect (Docker and Podman 5; Podman 4). */
class ExecCommitChangesTest {
    private static final String GREETING = "Hello, \"habitat\" with $dollars, `backticks` and a \\backslash";

    private static ExecImageState state() {
        return new ExecImageState(new ImageConfig(List.of("PATH=/usr/bin:/bin", "GREETING=" + GREETING), List.of("/entrypoint.sh"),
                List.of("/bin/bash", "-c", "hello"), "dev", "/workspace"));
    }

    @Test
    void dockerAndPodman5ParseChangesAsDockerfileInstructionsSoValuesAreEscaped() {
        for (EngineInfo engine : List.of(new EngineInfo(EngineInfo.Product.DOCKER, "28.5.2", "1.51"),
                new EngineInfo(EngineInfo.Product.PODMAN, "5.8.6", "1.44"))) {
            // Podman 5.8 made "Hello, habitat with , ..." of the unescaped value (quotes dropped, $dollars expanded)
            assertTrue(engine.commitChangesAreDockerfile(), engine.describe());
        }
        List<String> changes = ExecImageState.changes(state(), true);
        assertTrue(changes.contains("ENV GREETING=\"Hello, \\\"habitat\\\" with \\$dollars, `backticks` and a \\\\backslash\""), changes.toString());
        assertTrue(changes.contains("ENTRYPOINT [\"/entrypoint.sh\"]") && changes.contains("USER dev") && changes.contains("WORKDIR /workspace"));
    }

    @Test
    void podman4OnlyStripsTheSurroundingQuotesSoValuesGoAsTheyAre() {
        assertFalse(new EngineInfo(EngineInfo.Product.PODMAN, "4.3.1", "1.41").commitChangesAreDockerfile());
        List<String> changes = ExecImageState.changes(state(), false);
        assertTrue(changes.contains("ENV GREETING=\"" + GREETING + "\""), changes.toString());
        assertTrue(changes.contains("LABEL habitat.method=\"docker-exec\""), changes.toString());
        assertEquals("CMD [\"/bin/bash\",\"-c\",\"hello\"]", changes.get(changes.size() - 1));
    }
}
