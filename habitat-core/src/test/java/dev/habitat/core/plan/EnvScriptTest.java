package dev.habitat.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command that writes /etc/profile.d/habitat-env.sh, run by a real sh with the env the step has (the image
 * ENV): the file it writes, and what sourcing it gives a login shell that has lost the env.
 */
class EnvScriptTest {
    @TempDir
    Path dir;

    private static final String AWKWARD = "it's \"quoted\" with $dollar %s `tick` \\backslash and ünïcode";

    private Path write(Map<String, String> configEnv, Map<String, String> imageEnv) throws Exception {
        Path file = dir.resolve("habitat-env.sh");
        String command = GeneratedFiles.envScriptCommand(configEnv, "m4rk").replace(GeneratedFiles.ENV_SCRIPT, file.toString());
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().putAll(imageEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return file;
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void writesEachValueFromTheStepsEnvAndKeepsReferencesForTheShell() throws Exception {
        Map<String, String> config = env("USER", "dev", "WORKDIR", "/workspace", "PATH", "${PATH}:/opt/bin", "GREETING", AWKWARD);
        Map<String, String> image = env("USER", "dev", "WORKDIR", "/workspace", "PATH", "/usr/bin:/bin:/opt/bin", "GREETING", AWKWARD);
        Path file = write(config, image);
        assertEquals("""
                #!/bin/sh
                # Habitat environment variables (generated; do not edit)
                if [ "${HABITAT_ENV_HASH:-}" != 'm4rk' ]; then
                  export USER="dev"
                  export WORKDIR="/workspace"
                  export PATH="${PATH}:/opt/bin"
                  export GREETING="it's \\"quoted\\" with \\$dollar %s \\`tick\\` \\\\backslash and ünïcode"
                  export HABITAT_ENV_HASH='m4rk'
                fi
                # Set working directory to WORKDIR by default
                cd "$WORKDIR" 2>/dev/null || true
                """, Files.readString(file, StandardCharsets.UTF_8));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Process p = new ProcessBuilder("env", "-i", "PATH=/usr/bin:/bin", "sh", "-c",
                ". \"$0\"; printf '%s|%s|%s' \"$USER\" \"$PATH\" \"$GREETING\"", file.toString()).start();
        String sourced = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals("dev|/usr/bin:/bin:/opt/bin|" + AWKWARD, sourced, "a login shell gets every value exactly");
    }

    @Test
    void aValueTheImageEnvChangedIsTheOneWritten() throws Exception {
        // a --build-arg changes the ENV instruction; the env script follows it because it reads the step's env
        Path file = write(env("USER", "dev", "HOME_TOOLS", "/home/dev/tools"), env("USER", "alice", "HOME_TOOLS", "/home/alice/tools"));
        List<String> lines = Files.readAllLines(file);
        assertEquals("  export USER=\"alice\"", lines.get(3));
        assertEquals("  export HOME_TOOLS=\"/home/alice/tools\"", lines.get(4));
    }

    @Test
    void theCommandHoldsNoPlainValue() {
        String command = GeneratedFiles.envScriptCommand(env("USER", "d3vus3r", "GREETING", AWKWARD), "m4rk");
        assertFalse(command.contains("d3vus3r"), command);
        assertFalse(command.contains("dollar"), command);
        assertFalse(command.contains("\n"), "one line, for a RUN instruction");
    }
}
