package dev.habitat.core.render;

import dev.habitat.core.HabitatException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.plan.PlannedHabitat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextStagerTest {
    @TempDir
    Path dir;

    private BuildContext stage(Fixture f) {
        PlannedHabitat h = f.plan();
        return new ContextStager().stage(h.graph(), new DockerfileRenderer().render(h.graph(), h.hashes()), dir.resolve("target/habitat/demo"), dir.resolve("target"));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aFileEntryInsideTheCopiedHabitatDirectoryIsStagedOnceAndCopiedFromThere() throws IOException {
        Fixture f = new Fixture(dir).write("habitat/data/a.bin", "aaaa").write("habitat/data/sub/b.txt", "b")
                .write("habitat/other/c.txt", "c").write("habitat/config.yaml", Fixture.MINIMAL + """
                          - LOCAL_PATH=/h/local
                        files:
                          - {src: data, dest: /opt/data, owner: dev}
                          - {src: data/sub/b.txt, dest: /etc/b.txt, before: users}
                          - {src: other, dest: /opt/other, mode: "0600"}
                          - {src: data, dest: /opt/key.pem}
                        """);
        BuildContext ctx = stage(f);
        Path c = ctx.directory();
        assertTrue(Files.exists(c.resolve("layers/habitat/data/a.bin")));
        assertFalse(Files.exists(c.resolve("files/0")), "the layer's copy serves the files entry");
        assertFalse(Files.exists(c.resolve("files/1")), "a hook's file too");
        assertTrue(Files.exists(c.resolve("files/2/other/c.txt")), "a mode of its own: staged apart");
        assertTrue(Files.exists(c.resolve("files/3/data/a.bin")), "a key destination (mode 600): staged apart");
        assertTrue(ctx.dockerfileText().contains("[\"layers/habitat/data\", \"/opt/data\"]"), ctx.dockerfileText());
        assertTrue(ctx.dockerfileText().contains("[\"layers/habitat/data/sub/b.txt\", \"/etc/b.txt\"]"), ctx.dockerfileText());
        // the layer's a.bin, b.txt and c.txt (the files entries sharing it add nothing), c.txt again for its own
        // mode, a.bin and b.txt again for the key destination, and the config (copied in 12-final)
        assertEquals(4 + 1 + 1 + 1 + 4 + 1 + Files.size(f.path("habitat/config.yaml")), ctx.bytes(), "each staged file counted once");
    }

    @Test
    void aHabignoreKeepsTheFileEntryApart() {
        Fixture f = new Fixture(dir).write("habitat/data/a.bin", "aaaa").write("habitat/.habignore", "*.tmp\n")
                .write("habitat/config.yaml", Fixture.MINIMAL + "  - LOCAL_PATH=/h/local\nfiles:\n  - {src: data, dest: /opt/data}\n");
        assertTrue(Files.exists(stage(f).directory().resolve("files/0/data/a.bin")));
    }

    @Test
    void stagesExactlyWhatTheStagesCopyWithTheirModes() throws IOException {
        Fixture f = new Fixture(dir).write("habitat/bin/tool", "#!/bin/sh\n").write("habitat/key.pem", "k")
                .write("habitat/conf/a.conf", "a").write("habitat/conf/b.conf", "b")
                .write("habitat/.habignore", "*.swp\n/top-only.txt\nbuild/\n")
                .write("habitat/top-only.txt", "t").write("habitat/conf/top-only.txt", "kept")
                .write("habitat/conf/deep/x.swp", "s").write("habitat/build/out", "o")
                .write("habitat/config.yaml", Fixture.MINIMAL + """
                          - LOCAL_PATH=/h/local
                        files:
                          - {src: bin/tool, dest: /usr/local/bin/tool}
                          - {src: key.pem, dest: /etc/key.pem}
                          - {src: conf, dest: /etc/conf, mode: "0640"}
                        scripts:
                          - {commands: [echo one, echo two]}
                          - {commands: ["echo three\\necho four", echo five]}
                        """);
        Files.setPosixFilePermissions(f.path("habitat/bin/tool"), PosixFilePermissions.fromString("rwxr-x---"));
        BuildContext ctx = stage(f);
        Path c = ctx.directory();
        assertEquals("rwxr-x---", mode(c.resolve("files/0/tool")), "executable on the host: 755, never wider than the host's 750");
        assertEquals("rw-------", mode(c.resolve("files/1/key.pem")), "keys: 600");
        assertEquals("rw-r-----", mode(c.resolve("files/2/conf/a.conf")), "mode applies to files");
        assertEquals("rwxr-x---", mode(c.resolve("files/2/conf")), "directories stay traversable");
        assertTrue(Files.exists(c.resolve("layers/habitat/conf/top-only.txt")), "anchored pattern only at the top");
        assertFalse(Files.exists(c.resolve("layers/habitat/top-only.txt")));
        assertFalse(Files.exists(c.resolve("layers/habitat/conf/deep/x.swp")), "patterns match at any depth");
        assertFalse(Files.exists(c.resolve("layers/habitat/build")), "directory patterns");
        assertFalse(Files.exists(c.resolve("scripts/scripts/0/cmd-001.sh")), "a short script's commands are in its RUN line");
        assertTrue(Files.isExecutable(c.resolve("scripts/scripts/0/run.sh")));
        assertEquals("echo five\n", Files.readString(c.resolve("scripts/scripts/1/cmd-002.sh")), "a multi-line script is staged as files");
        assertFalse(Files.exists(c.resolve("generated/habitat-env.sh")), "the env script is written by its step from the image ENV");
        assertEquals(ctx.dockerfileText(), Files.readString(c.resolve("Dockerfile")));
        assertTrue(Files.exists(c.resolve(".dockerignore")));
    }

    @Test
    void aHostFileIsNeverStagedWiderThanItsOwnModeAndTheContextIsOwnerOnly() throws IOException {
        Fixture f = new Fixture(dir).write("home/.bars_id_test", "secret").write("home/shared.txt", "s")
                .write("home/tool", "#!/bin/sh\n").write("home/private/notes.txt", "n").write("home/explicit", "e")
                .write("habitat/config.yaml", Fixture.MINIMAL + """
                        files:
                          - {src: ~/.bars_id_test, dest: /home/dev/.bars_id_test}
                          - {src: ~/shared.txt, dest: /etc/shared.txt}
                          - {src: ~/tool, dest: /usr/local/bin/tool}
                          - {src: ~/private, dest: /opt/private}
                          - {src: ~/explicit, dest: /etc/explicit, mode: "0644"}
                        """);
        Files.setPosixFilePermissions(f.path("home/.bars_id_test"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(f.path("home/shared.txt"), PosixFilePermissions.fromString("rw-rw-r--"));
        Files.setPosixFilePermissions(f.path("home/tool"), PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.setPosixFilePermissions(f.path("home/private"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(f.path("home/explicit"), PosixFilePermissions.fromString("rw-------"));
        Path c = stage(f).directory();
        assertEquals("rw-------", mode(c.resolve("files/0/.bars_id_test")), "a 600 host file stays 600, not the default 644");
        assertEquals("rw-r--r--", mode(c.resolve("files/1/shared.txt")), "664 on the host: the default 644 (its hash unchanged)");
        assertEquals("rwxr-xr-x", mode(c.resolve("files/2/tool")), "775 on the host: the default 755");
        assertEquals("rwx------", mode(c.resolve("files/3/private")), "a 700 host directory stays 700");
        assertEquals("rw-r--r--", mode(c.resolve("files/4/explicit")), "a mode stated in the config wins");
        assertEquals("rwx------", mode(c), "the staged context is owner-only");
    }

    @Test
    void restagingReplacesTheOldContextAndNeverTouchesForeignDirectories() throws IOException {
        Fixture f = new Fixture(dir).write("habitat/a", "a").write("habitat/config.yaml", Fixture.MINIMAL + "files: [{src: a, dest: /a}]\n");
        Path c = stage(f).directory();
        assertTrue(Files.exists(c.resolve("files/0/a")));
        f.write("habitat/config.yaml", Fixture.MINIMAL);
        stage(f);
        assertFalse(Files.exists(c.resolve("files/0/a")), "stale files are gone");
        try (var s = Files.list(c.getParent())) {
            assertEquals(1, s.count(), "no staging leftovers beside the context");
        }
        Path foreign = dir.resolve("target/habitat/other");
        f.write("target/habitat/other/precious.txt", "mine");
        PlannedHabitat h = f.plan();
        HabitatException e = assertThrows(HabitatException.class, () -> new ContextStager().stage(h.graph(), new DockerfileRenderer().render(h.graph(), h.hashes()), foreign, null));
        assertEquals(HabitatException.Kind.HABITAT, e.kind());
        assertEquals("mine", Files.readString(foreign.resolve("precious.txt")));
    }

    @Test
    void theOutputDirectoryIsNeverCopiedIntoTheHabitat() throws IOException {
        // A habitat whose directory is the project root: target/ sits inside what LOCAL_PATH copies.
        Fixture f = new Fixture(dir).write("config.yaml", Fixture.MINIMAL + "  - LOCAL_PATH=/h/local\n").write("target/old", "x");
        PlannedHabitat h = PlannedHabitat.load(f.loader(), dir, Path.of("config.yaml"), dir.resolve("target"),
                dev.habitat.core.plan.ExternalInputs.none());
        BuildContext ctx = new ContextStager().stage(h.graph(), new DockerfileRenderer().render(h.graph(), h.hashes()), dir.resolve("target/habitat/demo"), dir.resolve("target"));
        assertFalse(Files.exists(ctx.directory().resolve("layers/habitat/target")));
        // the config file is staged for the final phase, not with the habitat directory
        assertFalse(Files.exists(ctx.directory().resolve("layers/habitat/config.yaml")));
        assertTrue(Files.exists(ctx.directory().resolve("layers/habitat-config/config.yaml")));
    }

    @Test
    void aContextTheDiskCannotHoldIsRefusedBeforeStagingWithSizesAndWhatToDo() {
        assertNull(ContextStager.spaceProblem(100_000_000L, 1_000_000_000L, Path.of("/work")));
        String problem = ContextStager.spaceProblem(600_000_000L, 1_000_000_000L, Path.of("/work"));
        assertTrue(problem.contains("600.0 MB of files") && problem.contains("1267.1 MB needed") && problem.contains("1000.0 MB are free at /work"), problem);
        assertTrue(problem.contains(".habignore") && problem.contains("habitat.outputDirectory"), problem);
    }

    @Test
    void aContextOverOneGigabyteIsReportedWithWhatToExclude() {
        assertTrue(ContextStager.largeContextWarning(1L << 30).isEmpty());
        String warning = ContextStager.largeContextWarning(3_000_000_000L).orElseThrow();
        assertTrue(warning.contains("3000 MB of files") && warning.contains(".habignore"), warning);
    }
}
