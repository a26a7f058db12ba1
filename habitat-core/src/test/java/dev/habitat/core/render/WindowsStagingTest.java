package dev.habitat.core.render;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.habitat.core.Fixture;
import dev.habitat.core.plan.PlannedHabitat;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Staging on a Windows host's file system (drive letters, backslashes, no POSIX permissions): the context is staged,
 * the Dockerfile names context paths with forward slashes, and modes come from the config or the defaults.
 */
class WindowsStagingTest {
    @Test
    void aHabitatIsStagedOnAFileSystemWithoutPosixPermissions() throws Exception {
        try (FileSystem windows = Jimfs.newFileSystem(Configuration.windows())) {
            Path root = windows.getPath("C:\\\\work\\\\project");
            Fixture f = new Fixture(root).write("habitat/files/app.conf", "color = blue\n")
                    .write("habitat/files/bin/run.sh", "#!/bin/sh\necho run\n")
                    .write("habitat/tests/smoke.sh", "#!/bin/sh\necho ok\n")
                    .write("habitat/config.yaml", Fixture.MINIMAL + """
                              - LOCAL_PATH=/habitat/local
                            files:
                              - {src: files/app.conf, dest: /etc/app.conf}
                              - {src: files/bin, dest: /opt/bin, mode: "0755"}
                            tests:
                              - tests/smoke.sh
                            """);
            assertFalse(windows.supportedFileAttributeViews().contains("posix"));
            PlannedHabitat h = f.plan();
            Path out = root.resolve("target\\\\habitat\\\\demo");
            BuildContext ctx = new ContextStager().stage(h.graph(), new DockerfileRenderer().render(h.graph(), h.hashes()), out,
                    root.resolve("target"));
            assertTrue(Files.isRegularFile(ctx.directory().resolve("layers\\\\habitat\\\\files\\\\app.conf")), "staged under the context");
            String dockerfile = ctx.dockerfileText();
            assertFalse(dockerfile.contains("\\\\files") || dockerfile.contains("layers\\\\"), "no Windows separator reaches the Dockerfile:\n" + dockerfile);
            assertTrue(dockerfile.contains("layers/habitat/files/app.conf"), dockerfile);
        }
    }
}
