package dev.habitat.core.method.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.ImageConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The environment of a docker-exec step, and what the commit writes of it. */
class ExecEnvTest {
    @Test
    void anImageWithoutPathGetsDockersDefaultForItsExecsButNotInTheCommit() {
        ExecImageState imported = new ExecImageState(new ImageConfig(List.of("LANG=C.UTF-8"), null, List.of("bash"), null, null));
        assertEquals(List.of("LANG=C.UTF-8", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), imported.execEnv());
        assertTrue(imported.env.keySet().stream().noneMatch("PATH"::equals), "the image config keeps no PATH it did not have");
    }

    @Test
    void theImagesOwnPathOrAStageArgWins() {
        ExecImageState withPath = new ExecImageState(new ImageConfig(List.of("PATH=/opt/bin:/bin"), null, null, null, null));
        assertEquals(List.of("PATH=/opt/bin:/bin"), withPath.execEnv());
        ExecImageState withArg = new ExecImageState(new ImageConfig(List.of(), null, null, null, null));
        withArg.args.put("PATH", "/x");
        assertEquals(List.of("PATH=/x"), withArg.execEnv());
    }
}
