package dev.habitat.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    Fixture fx() {
        return new Fixture(dir);
    }

    private List<String> errors(String config) {
        Fixture f = fx().write("habitat/config.yaml", config);
        ConfigException e = assertThrows(ConfigException.class, f::load);
        return e.problems().stream().filter(ConfigProblem::isError).map(ConfigProblem::format).collect(Collectors.toList());
    }

    @Test
    void hooksAndTimeoutsNamePhasesAsParametersDo() {
        HabitatConfig c = fx().write("habitat/config.yaml", """
                name: hooks
                base_image: debian:bookworm
                env:
                  - USER=dev
                  - WORKDIR=/workspace
                scripts:
                  - before: Repos
                    commands: [echo a]
                  - before: 7-repos
                    commands: [echo b]
                  - after: "6"
                    commands: [echo c]
                timeout:
                  9-Scripts: 5m
                """).load();
        assertEquals(List.of("repos", "repos"), c.scripts().stream().limit(2).map(ScriptSpec::before).toList());
        assertEquals("files", c.scripts().get(2).after());
        assertEquals(java.time.Duration.ofMinutes(5), c.timeouts().forPhase("scripts").orElseThrow());
    }

    @Test
    void loadsEveryKeyOfTheOriginalFormat() {
        HabitatConfig c = fx().write("habitat/a.txt", "a").write("habitat/Notes.md", "n").write("habitat/tests/t.sh", "t")
                .write("habitat/config.yaml", """
                name: full
                description: every key
                base_image: debian:bookworm
                env:
                  - USER=node
                  - WORKDIR=/workspace
                  - E=a=b=c
                  - LOCAL_PATH=/habitat/local
                files:
                  - src: a.txt
                    dest: ~/a.txt
                    mode: 0600
                    owner: node
                    description: the a file
                    after: repos
                volumes:
                  - /var/run/docker.sock:/var/run/docker.sock
                  - ~/.cache:/cache:ro
                  - volume: /srv/data:/data
                    build_mount: true
                repos:
                  - url: https://example.invalid/r.git
                    path: ${WORKDIR}/r
                    branch: main
                    shallow: false
                    access: read
                tools:
                  node: 20
                scripts:
                  - run_as: root
                    before: env
                    commands:
                      - echo one
                      - |
                        echo two
                        echo three
                verify-fs:
                  required_files:
                    - ~/a.txt
                tests:
                  - tests/t.sh
                entry:
                  command: claude
                  tty: false
                  bypass_habitat_construction: false
                  init_command: echo hi
                  startup_delay: 2
                timeout:
                  per-phase: 5m
                  scripts: 1.5h
                container: {}
                claude:
                  bypass_habitat_construction: false
                """).load();
        assertEquals("full", c.name());
        assertEquals("a=b=c", c.env().get("E"));
        assertEquals("/home/node/a.txt", c.files().get(0).dest());
        assertEquals(0600, c.files().get(0).mode());
        assertEquals("repos", c.files().get(0).after());
        assertEquals(dir.resolve("habitat/a.txt"), c.files().get(0).source());
        assertEquals("/workspace/r", c.repos().get(0).path());
        assertEquals(false, c.repos().get(0).shallow());
        assertEquals(List.of("echo one", "echo two\necho three\n"), c.scripts().get(0).commands());
        assertEquals("root", c.scripts().get(0).runAs());
        assertEquals("~/a.txt", c.verifyFs().get(0).path());
        assertEquals("claude", c.entry().command());
        assertEquals(false, c.entry().tty());
        assertEquals(java.time.Duration.ofMinutes(90), c.timeouts().forPhase("scripts").orElseThrow());
        assertEquals(java.time.Duration.ofMinutes(5), c.timeouts().forPhase("files").orElseThrow());
        assertEquals(dir.resolve("home/.cache").toString(), c.volumes().get(1).host());
        assertEquals("ro", c.volumes().get(1).options());
        assertEquals(false, c.volumes().get(1).buildMount(), "volumes are for running the habitat unless opted in");
        assertEquals("/srv/data:/data", c.volumes().get(2).spec());
        assertEquals(true, c.volumes().get(2).buildMount());
        assertEquals("/srv/data:/data:ro", c.volumes().get(2).buildSpec(), "a build mount is read-only");
        assertTrue(c.tools().contains("node"));
        assertTrue(c.warnings().isEmpty(), c.warnings().toString());
    }

    @Test
    void registryIsARepositoryPrefixCheckedWhereItIsWritten() {
        HabitatConfig c = fx().write("shared/config.yaml", "registry: 127.0.0.1:5000/team\n")
                .write("habitat/config.yaml", Fixture.MINIMAL).load();
        assertEquals("127.0.0.1:5000/team", c.registry(), "a team sets it once, in the shared layer");
        List<String> errs = errors(Fixture.MINIMAL + "registry: 127.0.0.1:5000/Team:latest\n");
        assertEquals(1, errs.size(), errs.toString());
        assertTrue(errs.get(0).contains("registry") && errs.get(0).contains("ends with a tag ':latest'")
                && errs.get(0).contains("registry: 127.0.0.1:5000/team"), errs.get(0));
    }

    @Test
    void platformsInAnyLayerTheLaterWinsEachCheckedWhereItIsWritten() {
        HabitatConfig c = fx().write("shared/config.yaml", "platforms: [linux/amd64, linux/arm64]\n")
                .write("habitat/config.yaml", Fixture.MINIMAL).load();
        assertEquals(List.of(dev.habitat.core.Platform.parse("linux/amd64", "t"), dev.habitat.core.Platform.parse("linux/arm64", "t")),
                c.platforms(), "a team sets it once, in the shared layer");
        assertEquals("habitat-" + c.name() + ":9-scripts", c.snapshotTag(dev.habitat.core.Phase.SCRIPTS), "not yet planned for one");
        assertEquals("habitat-" + c.name() + ":9-scripts-linux-arm64",
                c.forPlatform(c.platforms().get(1)).snapshotTag(dev.habitat.core.Phase.SCRIPTS));
        HabitatConfig one = fx().write("habitat/config.yaml", Fixture.MINIMAL + "platforms: linux/arm64\n").load();
        assertEquals(List.of(dev.habitat.core.Platform.parse("linux/arm64", "t")), one.platforms(), "the habitat's layer wins");
        assertEquals(List.of(), fx().write("shared/config.yaml", "env: []\n").write("habitat/config.yaml", Fixture.MINIMAL).load().platforms(),
                "none listed: the engine's own");

        List<String> errs = errors(Fixture.MINIMAL + "platforms:\n  - linux/arm46\n  - linux/amd64\n  - linux/amd64\n");
        assertEquals(2, errs.size(), errs.toString());
        assertTrue(errs.get(0).contains("platforms[0]") && errs.get(0).contains("'linux/arm46' is not a platform")
                && errs.get(0).contains("did you mean 'linux/arm64'?"), errs.get(0));
        assertTrue(errs.get(1).contains("platforms[2]") && errs.get(1).contains("listed twice"), errs.get(1));
        String line = Fixture.MINIMAL.split("\n").length + 2 + ":";
        assertTrue(errs.get(0).contains(line), "located at the entry's line: " + errs.get(0));
    }

    @Test
    void systemAndSharedLayersApplyInLayerOrder() {
        HabitatConfig c = fx().write("system/tests/sys.sh", "s")
                .write("system/config.yaml", """
                        env:
                          - SYSTEM_PATH=/habitat/system
                          - TOOLS=${SYSTEM_PATH}/tools
                          - WHO=system
                        files:
                          - src: s.txt
                            dest: /etc/s.txt
                        scripts:
                          - commands: [echo system]
                        volumes:
                          - /a:/a
                        verify-fs:
                          required_files: [/etc/s.txt]
                        tests: [tests/sys.sh]
                        """)
                .write("system/s.txt", "s")
                .write("shared/config.yaml", """
                        env:
                          - WHO=shared
                        scripts:
                          - commands: [echo shared]
                        """)
                .write("habitat/config.yaml", Fixture.MINIMAL + """
                          - SYSTEM_PATH=/workspace/system
                        scripts:
                          - commands: [echo habitat]
                        volumes:
                          - /b:/b
                        """).load();
        assertEquals("shared", c.env().get("WHO"));
        assertEquals("/workspace/system/tools", c.env().get("TOOLS"));
        assertEquals(List.of("echo system", "echo shared", "echo habitat"),
                c.scripts().stream().map(s -> s.commands().get(0)).toList());
        assertEquals(Layer.SYSTEM, c.scripts().get(0).origin().layer());
        assertEquals(dir.resolve("system/s.txt"), c.files().get(0).source(), "bare paths resolve against their layer's dir");
        assertEquals(List.of("/a", "/b"), c.volumes().stream().map(VolumeSpec::host).toList());
        assertEquals(1, c.verifyFs().size());
        assertEquals(Layer.SYSTEM, c.tests().get(0).origin().layer());
        assertEquals("dev", c.scripts().get(0).runAs(), "run_as defaults to USER");
        assertEquals(dir.resolve("system"), c.layerDirs().get(Layer.SYSTEM));
    }

    @Test
    void dotSlashResolvesAgainstTheRootAndTildeAgainstTheHostHome() {
        HabitatConfig c = fx().write("conf/x.conf", "x").write("home/.gitconfig", "g")
                .write("habitat/config.yaml", Fixture.MINIMAL + """
                        base_users: [alice]
                        files:
                          - src: ./conf/x.conf
                            dest: /etc/x.conf
                          - src: ~/.gitconfig
                            dest: ~/.gitconfig
                            owner: alice:staff
                        """).load();
        assertEquals(dir.resolve("conf/x.conf"), c.files().get(0).source());
        assertEquals(dir.resolve("home/.gitconfig"), c.files().get(1).source());
        assertEquals("/home/alice/.gitconfig", c.files().get(1).dest(), "~ in dest is the owner's home");
    }

    @Test
    void originalLayoutLoadsUnchanged() {
        HabitatConfig c = fx().write("system/config.yaml", "env:\n  - SYSTEM_PATH=/habitat/system\ncontainer: {}\n")
                .write("shared/config.yaml", "env:\n  - SHARED_PATH=/habitat/shared\n")
                .write("habitats/discourse/config.yaml", """
                        name: discourse
                        base_image: discourse/discourse_dev:release
                        env:
                          - USER=discourse
                          - WORKDIR=/discourse
                          - LOCAL_PATH=/habitat/local
                        repos:
                          - url: https://github.com/discourse/discourse
                            path: /discourse
                            branch: main
                        entry:
                          command: claude --dangerously-skip-permissions
                        """).load("habitats/discourse/config.yaml");
        assertEquals("discourse", c.name());
        assertEquals("/habitat/system", c.env().get("SYSTEM_PATH"));
        assertEquals(dir.resolve("habitats/discourse"), c.habitatDir());
    }

    @Test
    void reportsEveryErrorOfTheFileTogetherWithItsLocation() {
        List<String> errs = errors("""
                name: Not_Valid
                base_image: debian
                env:
                  - USER=dev
                  - WORKDIR=relative/dir
                files:
                  - src: missing.txt
                    dest: /x
                  - dest: relative
                    src: ./nope
                repos:
                  - url: https://x.invalid/a.git
                    path: relative
                scripts:
                  - after: setup
                    commands: [echo]
                  - before: "fils"
                    commands: [echo]
                entry:
                  tty: "yes"
                """);
        String all = String.join("\n", errs);
        assertTrue(errs.size() >= 7, all);
        assertTrue(all.contains("config.yaml:1:7: name: 'Not_Valid' cannot name a Docker image"), all);
        assertTrue(all.contains(":5:5: env[1]: WORKDIR must be an absolute path"), all);
        assertTrue(all.contains(":7:10: files[0].src: source not found"), all);
        assertTrue(all.contains(":13:11: repos[0].path: repos path must be an absolute path"), all);
        assertTrue(all.contains(":15:12: scripts[0].after: 'setup' is not a phase"), all);
        assertTrue(all.contains("'setup' was renamed to 'scripts'"), all);
        assertTrue(all.contains("scripts[1].before: 'fils' is not a phase. Fix: did you mean before: files?"), all);
        assertTrue(all.contains(":20:8: entry.tty: must be a boolean"), all);
    }

    @Test
    void requiredKeysOfTheOriginalValidation() {
        assertTrue(String.join("\n", errors("base_image: x\nenv:\n  - WORKDIR=/w\n")).contains("missing required key 'name'"));
        assertTrue(String.join("\n", errors("name: a\nbase_image: x\nenv:\n  - WORKDIR=/w\n")).contains("missing required variable USER"));
        assertTrue(String.join("\n", errors("name: a\nbase_image: x\nenv:\n  - USER=\n  - WORKDIR=/w\n")).contains("USER must not be empty"));
        assertTrue(String.join("\n", errors("name: a\nbase_image: x\nenv:\n  - USER=u\n")).contains("missing required variable WORKDIR"));
        assertTrue(String.join("\n", errors("name: a\nbase_image: x\n")).contains("missing required section 'env'"));
        assertTrue(String.join("\n", errors("name: a\nbase_image: x\nenv: USER=a\n")).contains("env: must be a list"));
        assertTrue(String.join("\n", errors("name: a\nimage: {tag: x}\nenv: [USER=u, WORKDIR=/w]\n"))
                .contains("image section must specify either dockerfile or base"));
        assertTrue(String.join("\n", errors("name: a\nbase_image: x\nenv: [USER=u, WORKDIR=/w]\nrepos: {}\n")).contains("repos must be a list"));
        assertTrue(String.join("\n", errors("name: a\nbase_image: x\nenv: [USER=u, WORKDIR=/w]\nentry:\n  startup_delay: -1\n"))
                .contains("entry.startup_delay: must be a non-negative number"));
        assertTrue(String.join("\n", errors("name: a\nbase_image: x\nenv: [USER=u, WORKDIR=/w]\nrepos:\n  - path: /x\n"))
                .contains("repos[0].url: missing required 'url'"));
    }

    @Test
    void shapesTheOriginalNeverChecked() {
        String all = String.join("\n", errors("""
                name: a
                base_image: x
                env: [USER=u, WORKDIR=/w, "A=1\\nB"]
                files: [just-a-string]
                scripts:
                  - commands: {a: b}
                tests: [[nested]]
                volumes: [novolume]
                verify-fs: [x]
                timeout:
                  scripts: forever
                """));
        assertTrue(all.contains("env[2]: the value of A contains a line break"), all);
        assertTrue(all.contains("files[0]: must be a map with src and dest"), all);
        assertTrue(all.contains("scripts[0].commands: must be a list of shell commands"), all);
        assertTrue(all.contains("tests[0]: must be the path of a test script"), all);
        assertTrue(all.contains("volumes[0]: 'novolume' is not host:container"), all);
        assertTrue(all.contains("verify-fs: must be a map with required_files"), all);
        assertTrue(all.contains("timeout.scripts: 'forever' is not a duration"), all);
    }

    @Test
    void yamlSyntaxErrorIsLocated() {
        List<String> errs = errors("name: a\nenv:\n  - USER=u\n - WORKDIR=/w\n");
        assertEquals(1, errs.size(), errs.toString());
        assertTrue(errs.get(0).matches(".*config\\.yaml:4:2: line 4 is indented differently from the lines of the block"
                + " that starts at line 1\\. Fix: indent it with spaces to the same column as its siblings"), errs.get(0));
    }

    @Test
    void emptyFileAndMissingFileAreClearErrors() {
        assertTrue(errors("").get(0).contains("the config file is empty"));
        ConfigException e = assertThrows(ConfigException.class, () -> fx().load("nope/config.yaml"));
        assertTrue(e.getMessage().contains("habitat config file not found"), e.getMessage());
    }

    @Test
    void unknownKeysWarnWithDidYouMean() {
        HabitatConfig c = fx().write("habitat/config.yaml", Fixture.MINIMAL + """
                repositories: []
                setup: []
                debug: true
                frobnicate: yes
                """).load();
        String all = c.warnings().stream().map(ConfigProblem::format).collect(Collectors.joining("\n"));
        assertTrue(all.contains(":6:1: repositories: unknown key, ignored. Fix: 'repositories' was renamed to 'repos'"), all);
        assertTrue(all.contains("setup: unknown key, ignored. Fix: 'setup' was renamed to 'scripts'"), all);
        assertTrue(all.contains("debug: unknown key, ignored. Fix: 'debug' was only planned"), all);
        assertTrue(all.contains("frobnicate: unknown key, ignored. Fix: remove it, or use one of:"), all);
    }

    @Test
    void aMisspeltKeyIsAnErrorNotASilentlyDroppedSection() {
        String all = String.join("\n", errors(Fixture.MINIMAL + "scirpts:\n  - commands: [echo]\n"));
        assertTrue(all.contains("scirpts: unknown key. Fix: did you mean 'scripts'?"), all);
    }

    @Test
    void anOwnerMustBeAUserOfTheHabitatOrListedInBaseUsers() {
        fx().write("habitat/f", "x");
        String all = String.join("\n", errors(Fixture.MINIMAL + "files:\n  - src: f\n    dest: /f\n    owner: devv\n"));
        assertTrue(all.contains(":9:12: files[0].owner: 'devv' is not a user of this habitat (dev, root). Fix: did you mean 'dev'?"), all);
        assertTrue(all.contains("goes in base_users: [devv]"), all);
        HabitatConfig ok = fx().write("habitat/config.yaml", Fixture.MINIMAL + """
                base_users: [postgres]
                files:
                  - {src: f, dest: /f, owner: "postgres:postgres"}
                  - {src: f, dest: /g, owner: builder}
                scripts:
                  - {run_as: builder, commands: [echo]}
                """).load();
        assertEquals(List.of("postgres:postgres", "builder"), ok.files().stream().map(FileSpec::owner).toList());
    }

    @Test
    void aRelativeTestNeedsItsDirectoryInTheImage() {
        fx().write("habitat/tests/smoke.sh", "true");
        String all = String.join("\n", errors(Fixture.MINIMAL + "tests:\n  - tests/smoke.sh\n"));
        assertTrue(all.contains(":7:5: tests[0]: 'tests/smoke.sh' reaches the image only with its directory, and LOCAL_PATH does not"
                + " place it. Fix: define LOCAL_PATH in env, e.g. - LOCAL_PATH=/habitat/local"), all);
        // a bypass habitat's tests are in its repository, cloned into WORKDIR: not checked on the host (OriginalHabitatsTest)
        HabitatConfig bypass = fx().write("habitat/config.yaml", Fixture.MINIMAL + "tests:\n  - tests/elsewhere.sh\n"
                + "entry:\n  bypass_habitat_construction: true\n").load();
        assertEquals(List.of("tests/elsewhere.sh"), bypass.tests().stream().map(TestSpec::path).toList());
    }

    @Test
    void aTestScriptThatDoesNotExistIsAnError() {
        String all = String.join("\n", errors(Fixture.MINIMAL + "  - LOCAL_PATH=/h\ntests:\n  - tests/smoke.sh\n  - /opt/in-image/check.sh\n"));
        assertTrue(all.contains(":8:5: tests[0]: test script not found: ") && all.contains("tests/smoke.sh. Fix: create it"), all);
        assertEquals(1, all.lines().count(), "an absolute path is in the image, not checked: " + all);
    }

    @Test
    void undefinedVariableInADestIsAnError() {
        fx().write("habitat/f", "x");
        String all = String.join("\n", errors(Fixture.MINIMAL + "files:\n  - src: f\n    dest: ${NOWHERE}/f\n"));
        assertTrue(all.contains("files[0].dest: dest '${NOWHERE}/f' refers to undefined variable NOWHERE"), all);
    }

    @Test
    void duplicateKeysAndDuplicateRepoPathsAreErrors() {
        assertTrue(String.join("\n", errors(Fixture.MINIMAL + "name: again\n")).contains("duplicate key (first defined at line 1)"));
        String all = String.join("\n", errors(Fixture.MINIMAL + """
                repos:
                  - {url: https://a.invalid/a, path: /w/a}
                  - {url: https://a.invalid/b, path: /w/a/}
                """));
        assertTrue(all.contains("repos[1].path: path /w/a is also the path of repos[0]"), all);
    }

    @Test
    void aRepoUrlWithAPasswordIsAnErrorThatNamesAuthAndDoesNotRepeatTheToken() {
        String all = String.join("\n", errors(Fixture.MINIMAL + """
                repos:
                  - {url: "https://alice:ghp_secret123@git.example.com/org/a.git", path: /w/a}
                  - {url: "ssh://git:ghp_secret456@git.example.com/org/b.git", path: /w/b}
                """));
        assertTrue(all.contains(":7:") && all.contains("repos[0].url: 'https://alice:***@git.example.com/org/a.git' has a password in it"), all);
        assertTrue(all.contains(":8:") && all.contains("repos[1].url: 'ssh://git:***@git.example.com/org/b.git' has a password in it"), all);
        assertTrue(all.contains("auth: git-token") && all.contains("<secret><id>git-token</id>"), "the fix names repos[].auth: " + all);
        assertTrue(!all.contains("ghp_secret"), "the message must not repeat the token: " + all);
    }

    @Test
    void aRepoUrlWithAUserNameAndNoPasswordStaysAllowed() {
        HabitatConfig c = fx().write("habitat/config.yaml", Fixture.MINIMAL + """
                repos:
                  - {url: "git@git.example.com:org/a.git", path: /w/a}
                  - {url: "https://alice@git.example.com/org/b.git", path: /w/b}
                  - {url: "ssh://git@git.example.com:2222/org/c.git", path: /w/c}
                  - {url: "https://git.example.com/org/d:e.git", path: /w/d}
                """).load();
        assertEquals(List.of("git@git.example.com:org/a.git", "https://alice@git.example.com/org/b.git",
                "ssh://git@git.example.com:2222/org/c.git", "https://git.example.com/org/d:e.git"),
                c.repos().stream().map(RepoSpec::url).toList());
    }

    @Test
    void modesAcceptTheUsualSpellings() {
        fx().write("habitat/f", "x");
        HabitatConfig c = fx().write("habitat/config.yaml", Fixture.MINIMAL + """
                files:
                  - {src: f, dest: /a, mode: 755}
                  - {src: f, dest: /b, mode: "0640"}
                  - {src: f, dest: /c, mode: 0o600}
                """).load();
        assertEquals(List.of(0755, 0640, 0600), c.files().stream().map(FileSpec::mode).toList());
        assertTrue(String.join("\n", errors(Fixture.MINIMAL + "files:\n  - {src: f, dest: /a, mode: 999}\n"))
                .contains("'999' is not an octal file mode"));
    }

    @Test
    void everyStringIsExpandedWithTheFinalEnv() {
        HabitatConfig c = fx().write("habitat/config.yaml", """
                name: demo
                base_image: debian:bookworm
                env:
                  - USER=dev
                  - WORKDIR=/workspace
                  - APP=${WORKDIR}/app
                scripts:
                  - run_as: ${USER}
                    commands: ["cd ${APP} && echo {env.USER} ${PATH}"]
                entry:
                  command: cd ${APP}
                """).load();
        assertEquals("dev", c.scripts().get(0).runAs());
        assertEquals("cd /workspace/app && echo dev ${PATH}", c.scripts().get(0).commands().get(0));
        assertEquals("cd /workspace/app", c.entry().command());
        assertNull(c.network());
    }

    @Test
    void buildArgsOverrideEnvVariablesAfterEveryLayerAndDerivedValuesFollow() {
        Fixture f = fx().write("shared/config.yaml", "env:\n  - HOME_TOOLS=/home/${USER}/tools\n")
                .write("habitat/config.yaml", Fixture.MINIMAL + "  - PROJECT=${WORKDIR}/app\n");
        HabitatConfig c = f.loader().load(dir, Path.of("habitat/config.yaml"), Map.of("USER", "alice", "WORKDIR", "/src"));
        assertEquals("alice", c.user());
        assertEquals("/src", c.workdir());
        assertEquals("/home/alice/tools", c.env().get("HOME_TOOLS"), "a value derived in another layer follows");
        assertEquals("/src/app", c.env().get("PROJECT"));
        assertEquals("dev", f.load().user(), "without build args the config's value");
    }

    @Test
    void aBuildArgTheEnvDoesNotDefineOrAnInvalidValueIsAnError() {
        Fixture f = fx().write("habitat/config.yaml", Fixture.MINIMAL);
        ConfigException e = assertThrows(ConfigException.class, () -> f.loader().load(dir, Path.of("habitat/config.yaml"),
                Map.of("USR", "alice", "WORKDIR", "relative/dir", "USER", "Not A User")));
        List<String> errors = e.problems().stream().filter(ConfigProblem::isError).map(ConfigProblem::format).toList();
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.contains("habitat.arg.USR: the habitat's env has no variable USR to override. Fix: did you mean USER? "
                + "a build arg overrides one of the env's variables: USER, WORKDIR"), errors.toString());
        assertTrue(errors.stream().anyMatch(m -> m.startsWith("habitat.arg.USER: value: USER 'Not A User' is not a valid user name")),
                errors.toString());
        assertTrue(errors.stream().anyMatch(m -> m.startsWith("habitat.arg.WORKDIR: value: WORKDIR")), errors.toString());
        ConfigException lines = assertThrows(ConfigException.class, () -> f.loader().load(dir, Path.of("habitat/config.yaml"),
                Map.of("USER", "alice\nbob")));
        assertEquals(List.of("habitat.arg.USER: the value of USER contains a line break or NUL, which an image ENV cannot hold. "
                + "Fix: give a one-line value"), lines.problems().stream().filter(ConfigProblem::isError).map(ConfigProblem::format).toList());
    }
}
