package dev.habitat.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shell files checked out with CRLF line endings (a Windows checkout) get a located warning naming the file. */
class ShellLineEndingsTest {
    @TempDir
    Path dir;

    @Test
    void aTestScriptAndACopiedShellFileWithCrlfAreNamedWithTheFix() {
        Fixture f = new Fixture(dir)
                .write("habitat/tests/smoke.sh", "#!/bin/bash\r\nset -e\r\necho ok\r\n")
                .write("habitat/files/setup", "#!/bin/sh\r\necho setup\r\n")
                .write("habitat/files/notes.txt", "a Windows text file\r\nis fine\r\n")
                .write("habitat/files/lf.sh", "#!/bin/sh\necho fine\n")
                .write("habitat/config.yaml", Fixture.MINIMAL.replace("  - WORKDIR=/workspace\n",
                        "  - WORKDIR=/workspace\n  - LOCAL_PATH=/habitat/local\n") + """
                        files:
                          - src: files/setup
                            dest: /usr/local/bin/setup
                          - src: files/notes.txt
                            dest: /etc/notes.txt
                          - src: files/lf.sh
                            dest: /usr/local/bin/lf.sh
                        tests:
                          - tests/smoke.sh
                        """);
        HabitatConfig c = f.load();
        List<String> crlf = c.warnings().stream().map(ConfigProblem::format).filter(w -> w.contains("CRLF")).collect(Collectors.toList());
        assertEquals(2, crlf.size(), crlf.toString());
        assertTrue(crlf.stream().anyMatch(w -> w.contains("files[0].src") && w.contains(f.path("habitat/files/setup").toString())
                && w.contains("config.yaml:") && w.contains("*.sh text eol=lf")), crlf.toString());
        assertTrue(crlf.stream().anyMatch(w -> w.contains("tests[0]") && w.contains("smoke.sh")), crlf.toString());
    }

    @Test
    void onlyShellFilesCount() throws Exception {
        Path text = Files.writeString(dir.resolve("readme.txt"), "line\r\n");
        Path script = Files.writeString(dir.resolve("run.bash"), "echo x\r\n");
        Path lf = Files.writeString(dir.resolve("ok.sh"), "echo x\n");
        assertFalse(ShellLineEndings.shellFileWithCrlf(text));
        assertTrue(ShellLineEndings.shellFileWithCrlf(script));
        assertFalse(ShellLineEndings.shellFileWithCrlf(lf));
        assertFalse(ShellLineEndings.shellFileWithCrlf(dir), "a directory is not a file");
    }
}
