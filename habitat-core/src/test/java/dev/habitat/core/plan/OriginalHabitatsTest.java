package dev.habitat.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import dev.habitat.core.config.ConfigException;
import dev.habitat.core.config.ConfigProblem;
import dev.habitat.core.config.FileSpec;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.config.Layer;
import dev.habitat.core.config.TestSpec;
import dev.habitat.core.render.BuildArgDockerfile;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.render.ContextStager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Habitats in the original tool's layout and shapes (system and shared layers with tests and per-user files, a
 * bypass habitat whose tests live in its own repository cloned into WORKDIR) load and plan unchanged, with
 * warnings where the original was lenient, and errors where a habitat's own file is missing.
 */
class OriginalHabitatsTest {
    @TempDir
    Path dir;

    /** The layers as a fresh checkout has them: shared/gitconfig is git-ignored (personal), so it is not there. */
    private Fixture checkout() {
        return new Fixture(dir)
                .write("system/config.yaml", """
                        name: system-layer
                        env:
                          - USER=root
                          - WORKDIR=/workspace
                          - SYSTEM_PATH=/habitat/system
                          - SHARED_PATH=/habitat/shared
                          - LOCAL_PATH=/habitat/local
                          - SYSTEM_TOOLS_PATH=${SYSTEM_PATH}/tools/bin
                          - PATH=${PATH}:${SYSTEM_TOOLS_PATH}
                        container: {}
                        tests:
                          - tests/check-tools.sh
                          - tests/check-files.sh
                        files:
                          - src: ~/.assistant
                            dest: /.assistant
                            owner: ${USER}
                          - src: ./system/GUIDE.md
                            dest: /GUIDE.md
                            mode: 644
                        """)
                .write("system/GUIDE.md", "guide\n")
                .write("system/tests/check-tools.sh", "true\n")
                .write("system/tests/check-files.sh", "true\n")
                .write("shared/.gitignore", "gitconfig\n*.pem\n")
                .write("shared/config.yaml", """
                        name: shared-layer
                        tests:
                          - tests/check-user.sh
                        env:
                          - APP_ID=4242
                        files:
                          - src: ./shared/gitconfig
                            dest: /etc/gitconfig
                            mode: 644
                        verify-fs:
                          required_files:
                            - /etc/gitconfig
                        """)
                .write("shared/tests/check-user.sh", "true\n")
                .write("habitats/selfhost/tests/tools.sh", "true\n")
                .write("habitats/selfhost/config.yaml", """
                        name: selfhost
                        base_image: node:20-bookworm
                        repos:
                          - url: https://git.example.invalid/selfhost
                            path: ${WORKDIR}
                            branch: main
                            shallow: true
                        env:
                          - USER=node
                          - WORKDIR=/workspace
                          - SYSTEM_PATH=${WORKDIR}/system
                          - SHARED_PATH=${WORKDIR}/shared
                          - LOCAL_PATH=${WORKDIR}/habitats/selfhost
                        files:
                          - src: ./system
                            dest: ${SYSTEM_PATH}
                            after: repos
                            owner: ${USER}
                          - src: ./shared
                            dest: ${SHARED_PATH}
                            after: repos
                            owner: ${USER}
                          - src: ~/.assistant/.credentials.json
                            dest: ~/.assistant/.credentials.json
                            mode: 600
                            owner: ${USER}
                        entry:
                          command: assistant
                          tty: true
                          bypass_habitat_construction: true
                        tests:
                          - habitats/selfhost/tests/inception.sh
                          - tests/tools.sh
                        """);
    }

    private static List<ConfigProblem> warnings(HabitatConfig c) {
        return c.warnings().stream().filter(p -> p.severity() == ConfigProblem.Severity.WARNING).toList();
    }

    private static String text(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::format).collect(Collectors.joining("\n"));
    }

    @Test
    void aBypassHabitatLoadsWithOneWarningPerThingTheOriginalTolerated() {
        Fixture f = checkout().write("home/.assistant/.credentials.json", "{\"token\": \"t\"}\n");
        HabitatConfig c = f.load("habitats/selfhost/config.yaml");
        String all = text(warnings(c));
        Path shared = dir.resolve("shared/config.yaml");
        assertTrue(all.contains(shared + ":7:10: files[0].src: source not found: " + dir.resolve("shared/gitconfig")
                + "; skipped, since it is in the shared layer (" + dir.resolve("shared") + "), which holds personal files the"
                + " original tool git-ignores. Fix: create it if the habitat needs it (verify-fs still checks the paths it"
                + " requires), or add optional: true to the entry to say it may be absent"), all);
        // the system layer copies the whole directory from the home: the credential in it is named
        assertTrue(all.contains(dir.resolve("system/config.yaml") + ":15:10: files[0].src: '~/.assistant' holds files whose names"
                + " look like credentials (.credentials.json): its content is copied"), all);
        // the system and shared tests: one warning for the three, at the first, naming the bypass key
        List<ConfigProblem> skippedTests = warnings(c).stream().filter(p -> p.message().contains("test(s) skipped")).toList();
        assertEquals(1, skippedTests.size(), all);
        assertTrue(skippedTests.get(0).format().startsWith(dir.resolve("system/config.yaml") + ":12:5: tests[0]: 3 system/shared"
                + " test(s) skipped (system tests/check-tools.sh, system tests/check-files.sh, shared tests/check-user.sh):"
                + " entry.bypass_habitat_construction (" + dir.resolve("habitats/selfhost/config.yaml") + ":30:3)"), all);
        // the host-home credential, located, naming what to use instead
        assertTrue(all.contains(dir.resolve("habitats/selfhost/config.yaml") + ":23:10: files[2].src: '~/.assistant/.credentials.json'"
                + " looks like a credential: its content is copied from your home into the image and every snapshot pushed"
                + " from it. Fix: if a build step only needs it to authenticate, give it as a secret instead"), all);
        // and 'name' of the system and shared layers, which applies per habitat
        assertEquals(6, warnings(c).size(), all);

        assertEquals(List.of("habitats/selfhost/tests/inception.sh", "tests/tools.sh"), c.tests().stream().map(TestSpec::path).toList(),
                "the habitat's own tests are kept, though not in its directory on the host: its repository holds them");
        assertEquals(List.of("~/.assistant", "./system/GUIDE.md", "./system", "./shared", "~/.assistant/.credentials.json"),
                c.files().stream().map(FileSpec::src).toList(), "the missing shared/gitconfig is skipped, the rest copied");
    }

    @Test
    void aBypassHabitatPlansAndRendersItsTestsWhereTheOriginalRanThem() {
        Fixture f = checkout();
        PlannedHabitat h = PlannedHabitat.load(f.loader(), dir, Path.of("habitats/selfhost/config.yaml"), dir.resolve("target"),
                ExternalInputs.none());
        String listing = PhaseListing.text(h);
        assertTrue(listing.contains("stage test             tests: 2 script(s) as node"), listing);
        Operation.RunScript tests = (Operation.RunScript) h.graph().stagesOf(Phase.TEST).get(0).operations().get(0);
        assertTrue(tests.commands().get(0).startsWith("cd '/workspace' 2>/dev/null && [ -f 'habitats/selfhost/tests/inception.sh' ]"),
                "a path under habitats/<name>/ runs from WORKDIR, as the original's test phase did: " + tests.commands());
        assertTrue(tests.commands().get(1).startsWith("cd '/workspace/habitats/selfhost' 2>/dev/null && [ -f 'tests/tools.sh' ]"),
                "another relative path is under ${WORKDIR}/habitats/<name>/, as the original's test command had it: " + tests.commands());

        BuildArgDockerfile.Result df = new BuildArgDockerfile().render(h.graph(), h.hashes(),
                PlannedHabitat.replanning(f.loader(), dir, Path.of("habitats/selfhost/config.yaml"), Map.of()));
        BuildContext ctx = new ContextStager().stage(h.graph(), df.dockerfile(), dir.resolve("target/habitat/selfhost"), dir.resolve("target"));
        String dockerfile = Files.exists(ctx.dockerfile()) ? read(ctx.dockerfile()) : "";
        assertTrue(dockerfile.contains("# clone https://git.example.invalid/selfhost into /workspace"), dockerfile);
        assertFalse(dockerfile.contains("layers/system"), "bypass: no layer directory is copied");
    }

    @Test
    void aBypassTestThatIsNotInTheImageFailsTheTestStepSayingWhereItLooked() throws Exception {
        Path work = dir.resolve("ws");
        Files.createDirectories(work.resolve("habitats/selfhost/tests"));
        Files.writeString(work.resolve("habitats/selfhost/tests/tools.sh"), "echo tools ran\n");
        HabitatConfig c = checkout().write("habitats/selfhost/config.yaml", """
                name: selfhost
                base_image: node:20-bookworm
                env:
                  - USER=node
                  - WORKDIR=%s
                entry:
                  bypass_habitat_construction: true
                tests:
                  - tests/tools.sh
                  - habitats/selfhost/tests/absent.sh
                """.formatted(work)).load("habitats/selfhost/config.yaml");
        String present = Planner.bypassTest(c, "tests/tools.sh");
        String absent = Planner.bypassTest(c, "habitats/selfhost/tests/absent.sh");
        String[] ran = sh(present);
        assertEquals("0", ran[0], ran[1]);
        assertEquals("tools ran\n", ran[1]);
        String[] failed = sh(absent);
        assertEquals("1", failed[0], failed[1]);
        assertEquals("habitat: test 'habitats/selfhost/tests/absent.sh' is not in the image at " + work
                + "/habitats/selfhost/tests/absent.sh: with entry.bypass_habitat_construction the habitat's tests come from its"
                + " repository cloned into WORKDIR (" + work + "), under habitats/selfhost/; clone it there (repos: - path:"
                + " ${WORKDIR}) or list the test by its absolute path in the image\n", failed[1]);
    }

    @Test
    void aHabitatThatCopiesTheLayersRunsEveryLayersTestsAndStillSkipsTheMissingSharedFile() {
        HabitatConfig c = checkout()
                .write("habitats/plain/tests/local.sh", "true\n")
                .write("habitats/plain/config.yaml", """
                        name: plain
                        base_image: ubuntu:22.04
                        env:
                          - USER=root
                          - WORKDIR=/workspace
                        tests:
                          - tests/local.sh
                        """).load("habitats/plain/config.yaml");
        assertEquals(List.of(Layer.SYSTEM, Layer.SYSTEM, Layer.SHARED, Layer.HABITAT),
                c.tests().stream().map(t -> t.origin().layer()).toList());
        String all = text(warnings(c));
        assertTrue(all.contains("shared/gitconfig; skipped, since it is in the shared layer"), all);
        assertTrue(all.contains(dir.resolve("system/config.yaml") + ":15:10: files[0].src: source not found: "
                + dir.resolve("home/.assistant") + "; skipped, since it is in your home directory"), all);
        assertEquals(4, warnings(c).size(), "the two per-user files and the layers' names, nothing else: " + all);
    }

    @Test
    void aMissingFileOfTheHabitatsOwnDirectoryIsStillAnError() {
        Fixture f = checkout().write("habitats/plain/config.yaml", """
                name: plain
                base_image: ubuntu:22.04
                env:
                  - USER=root
                  - WORKDIR=/workspace
                files:
                  - src: settings.json
                    dest: /etc/app/settings.json
                  - src: ./habitats/plain/also-missing.txt
                    dest: /etc/app/also.txt
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> f.load("habitats/plain/config.yaml"));
        List<String> errors = e.problems().stream().filter(ConfigProblem::isError).map(ConfigProblem::format).toList();
        assertEquals(2, errors.size(), String.join("\n", errors));
        assertTrue(errors.get(0).startsWith(dir.resolve("habitats/plain/config.yaml") + ":7:10: files[0].src: source not found: "
                + dir.resolve("habitats/plain/settings.json") + ". Fix: create it, or fix the path"), errors.get(0));
        assertTrue(errors.get(0).endsWith("add optional: true if it may be absent"), errors.get(0));
        assertTrue(errors.get(1).contains("files[1].src: source not found"), errors.get(1));
    }

    @Test
    void optionalMakesAnySourceOptionalWithANoteAndAPresentOneIsCopied() {
        HabitatConfig c = checkout()
                .write("habitats/plain/present.txt", "here\n")
                .write("habitats/plain/config.yaml", """
                        name: plain
                        base_image: ubuntu:22.04
                        env:
                          - USER=root
                          - WORKDIR=/workspace
                        files:
                          - src: settings.json
                            dest: /etc/app/settings.json
                            optional: true
                          - src: present.txt
                            dest: /etc/app/present.txt
                            optional: true
                          - src: ./shared/gitconfig
                            dest: /root/.gitconfig
                            optional: true
                        """).load("habitats/plain/config.yaml");
        assertEquals(List.of("present.txt"), c.files().stream().filter(x -> x.origin().layer() == Layer.HABITAT).map(FileSpec::src).toList());
        List<ConfigProblem> notes = c.warnings().stream().filter(p -> p.severity() == ConfigProblem.Severity.NOTE).toList();
        assertEquals(2, notes.size(), text(c.warnings()));
        assertEquals(dir.resolve("habitats/plain/config.yaml") + ":7:10: files[0].src: source not found: "
                + dir.resolve("habitats/plain/settings.json") + "; skipped (optional: true)", notes.get(0).format());
        assertFalse(text(warnings(c)).contains("habitats/plain"), "an optional entry is no warning: " + text(warnings(c)));
    }

    @Test
    void optionalMustBeABoolean() {
        Fixture f = checkout().write("habitats/plain/config.yaml", """
                name: plain
                base_image: ubuntu:22.04
                env:
                  - USER=root
                  - WORKDIR=/workspace
                files:
                  - src: settings.json
                    dest: /etc/app/settings.json
                    optional: maybe
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> f.load("habitats/plain/config.yaml"));
        assertTrue(text(e.problems()).contains(":9:15: files[0].optional: must be a boolean (true or false)"), text(e.problems()));
    }

    @Test
    void aHomeDirectoryHoldingCredentialsIsNamedFileByFile() {
        HabitatConfig c = checkout()
                .write("home/.assistant/settings.json", "{}\n")
                .write("home/.ssh/id_ed25519", "k\n").write("home/.ssh/id_ed25519.pub", "p\n").write("home/.ssh/config", "Host *\n")
                .write("habitats/plain/config.yaml", """
                        name: plain
                        base_image: ubuntu:22.04
                        env:
                          - USER=root
                          - WORKDIR=/workspace
                        files:
                          - src: ~/.ssh
                            dest: /root/.ssh
                          - src: ~/.assistant/settings.json
                            dest: /root/.assistant/settings.json
                          - src: ./shared/tests/check-user.sh
                            dest: /check-user.sh
                        """).load("habitats/plain/config.yaml");
        List<ConfigProblem> credentials = warnings(c).stream().filter(p -> p.message().contains("credential")).toList();
        assertEquals(1, credentials.size(), text(warnings(c)));
        assertTrue(credentials.get(0).format().contains(":7:10: files[0].src: '~/.ssh' holds files whose names look like credentials"
                + " (id_ed25519): its content is copied"), credentials.get(0).format());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Exit code and output (both streams) of a command run by a real sh. */
    private static String[] sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String[] {String.valueOf(p.exitValue()), out};
    }
}
