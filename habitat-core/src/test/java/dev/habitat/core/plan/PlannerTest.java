package dev.habitat.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
    @TempDir
    Path dir;

    private StageGraph plan(String extra) {
        return new Fixture(dir).write("habitat/f1", "1").write("habitat/f2", "2")
                .write("habitat/config.yaml", Fixture.MINIMAL + extra).plan().graph();
    }

    private static List<String> names(StageGraph g) {
        return g.stages().stream().map(Stage::name).toList();
    }

    @Test
    void everyPhaseHasAStageNamedAfterItInOrderAndEachStageStartsFromThePreviousOne() {
        StageGraph g = plan("");
        assertEquals(Phase.names(), names(g));
        for (int i = 1; i < g.stages().size(); i++) {
            assertEquals(g.stages().get(i - 1).name(), g.stages().get(i).from());
        }
        assertEquals("debian:bookworm", g.stages().get(0).from());
    }

    @Test
    void hooksBecomeStagesAroundTheirPhaseFilesBeforeScriptsInConfigOrder() {
        StageGraph g = plan("""
                files:
                  - {src: f1, dest: /a, after: repos}
                  - {src: f2, dest: /b, before: base}
                scripts:
                  - {commands: [echo s0], after: repos}
                  - {commands: [echo s1], before: repos}
                  - {commands: [echo s2], after: repos}
                  - {commands: [echo s3], after: base}
                """);
        List<String> n = names(g);
        assertEquals(List.of("base-before", "base-core", "base"), n.subList(0, 3));
        int repos = n.indexOf("repos");
        assertEquals(List.of("repos-before", "repos-core", "repos"), n.subList(repos - 2, repos + 1));
        Stage after = g.lastStageOf(Phase.REPOS);
        assertEquals(Stage.Role.AFTER_HOOKS, after.role());
        List<Operation> ops = after.operations();
        assertTrue(ops.get(0) instanceof Operation.Copy c && c.dest().equals("/a"), ops.toString());
        assertEquals("echo s0", ((Operation.RunScript) ops.get(1)).commands().get(0));
        assertEquals("echo s2", ((Operation.RunScript) ops.get(2)).commands().get(0));
        assertEquals(Stage.Role.BEFORE_HOOKS, g.stages().get(0).role());
        Set<String> unique = new HashSet<>(n);
        assertEquals(n.size(), unique.size(), "stage names are unique");
        // hooked entries leave the default slots
        assertTrue(g.lastStageOf(Phase.FILES).operations().stream().noneMatch(o -> o instanceof Operation.Copy c && c.dest().startsWith("/a")));
        assertTrue(g.lastStageOf(Phase.SCRIPTS).operations().stream().noneMatch(o -> o instanceof Operation.RunScript));
    }

    @Test
    void usersAreCreatedForUserAndEveryRunAsButRootAndScriptsRunAsTheirUser() {
        StageGraph g = plan("""
                scripts:
                  - {run_as: root, commands: [whoami]}
                  - {run_as: builder, commands: [whoami]}
                  - {commands: [whoami]}
                """);
        List<String> created = g.lastStageOf(Phase.USERS).operations().stream()
                .filter(o -> o instanceof Operation.RunCommand r && r.summary().startsWith("create user"))
                .map(o -> ((Operation.RunCommand) o).summary()).toList();
        assertEquals(List.of("create user dev", "create user builder"), created);
        List<String> users = g.lastStageOf(Phase.SCRIPTS).operations().stream()
                .filter(o -> o instanceof Operation.RunScript).map(o -> ((Operation.RunScript) o).user()).toList();
        assertEquals(List.of("root", "builder", "dev"), users);
    }

    @Test
    void habitatDirectoriesComeFromTheRealPathVariables() {
        StageGraph g = new Fixture(dir).write("habitat/config.yaml", """
                name: demo
                base_image: debian:bookworm
                env:
                  - USER=dev
                  - WORKDIR=/w
                  - SYSTEM_PATH=/h/sys
                  - LOCAL_PATH=/h/local
                """).plan().graph();
        Operation.RunCommand mk = (Operation.RunCommand) g.lastStageOf(Phase.HABITAT).operations().get(0);
        assertEquals("mkdir -p '/h/sys' '/h/local' && chown 'dev:' '/h/sys' '/h/local'", mk.command());
    }

    @Test
    void filesPhaseCopiesLayersThenFilesAndBypassSkipsTheLayers() {
        Fixture f = new Fixture(dir).write("system/config.yaml", "env: [SYSTEM_PATH=/h/system]\n").write("system/tool", "t")
                .write("habitat/f1", "1")
                .write("habitat/config.yaml", Fixture.MINIMAL + "  - LOCAL_PATH=/h/local\nfiles:\n  - {src: f1, dest: /f1, owner: dev}\n");
        List<Operation> ops = f.plan().graph().lastStageOf(Phase.FILES).operations();
        assertEquals(List.of("/h/system", "/h/local", "/f1"), ops.stream().map(o -> ((Operation.Copy) o).dest()).toList());
        assertEquals("dev", ((Operation.Copy) ops.get(2)).owner());
        f.write("habitat/config.yaml", Fixture.MINIMAL + "  - LOCAL_PATH=/h/local\nentry:\n  bypass_habitat_construction: true\n");
        assertTrue(f.plan().graph().lastStageOf(Phase.FILES).operations().isEmpty());
    }

    @Test
    void undefinedLayerPathIsAWarningNotASilentSkip() {
        StageGraph g = new Fixture(dir).write("shared/config.yaml", "env: [A=1]\n").write("habitat/config.yaml", Fixture.MINIMAL)
                .plan().graph();
        assertTrue(g.warnings().stream().anyMatch(w -> w.startsWith(dir.resolve("habitat/config.yaml") + ": env: SHARED_PATH is not defined")
                && w.contains("Fix: define it, e.g. - SHARED_PATH=/habitat/shared")), g.warnings().toString());
    }

    @Test
    void testsRunFromTheirLayerDirectoryAndVerifyListsEveryPath() {
        StageGraph g = new Fixture(dir).write("habitat/tests/a.sh", "a").write("habitat/config.yaml", Fixture.MINIMAL + """
                  - LOCAL_PATH=/h/local
                tests: [tests/a.sh, /abs/b.sh]
                verify-fs:
                  required_files: [~/x, "/y z"]
                """).plan().graph();
        Operation.RunScript t = (Operation.RunScript) g.lastStageOf(Phase.TEST).operations().get(0);
        assertEquals("dev", t.user());
        assertEquals(List.of("cd '/h/local' && bash 'tests/a.sh'", "bash '/abs/b.sh'"), t.commands());
        Operation.RunScript v = (Operation.RunScript) g.lastStageOf(Phase.VERIFY).operations().get(0);
        assertTrue(v.commands().get(0).contains("check \"$HOME\"'/x'\ncheck '/y z'\n"), v.commands().get(0));
    }

    @Test
    void theHabitatsConfigFileReachesLocalPathInTheFinalPhaseNotWithTheFiles() {
        StageGraph g = new Fixture(dir).write("habitat/notes.txt", "n").write("habitat/config.yaml", Fixture.MINIMAL + """
                  - LOCAL_PATH=/h/local
                """).plan().graph();
        Operation.Copy layer = (Operation.Copy) g.lastStageOf(Phase.FILES).operations().stream()
                .filter(o -> o instanceof Operation.Copy c && c.dest().equals("/h/local")).findFirst().orElseThrow();
        var tree = (CopySource.HostTree) layer.source();
        assertTrue(tree.ignore().ignored("config.yaml", false), "left out of the files phase");
        assertFalse(tree.ignore().ignored("notes.txt", false));
        Operation.Copy config = (Operation.Copy) g.lastStageOf(Phase.FINAL).operations().get(0);
        assertEquals("/h/local/config.yaml", config.dest());
        assertEquals(dir.resolve("habitat/config.yaml"), ((CopySource.HostTree) config.source()).path());
    }

    @Test
    void finalSetsEntrypointCmdUserAndWorkdir() {
        List<Operation> ops = plan("entry:\n  command: echo hi\n").lastStageOf(Phase.FINAL).operations();
        assertEquals(List.of(new Operation.SetUser("dev"), new Operation.SetWorkdir("/workspace"),
                new Operation.SetEntrypoint(List.of("/entrypoint.sh")), new Operation.SetCmd(List.of("/bin/bash", "-c", "echo hi"))), ops);
    }

    private static final String TWO_REPOS = """
            repos:
              - {url: 'https://h.invalid/a.git', path: /src/a}
              - {url: 'https://h.invalid/b.git', path: /src/b, owner: root}
            """;

    @Test
    void eachCloneIsASideStageFromBeforeTheFilesAndTheCoreCopiesThemInInOrder() {
        StageGraph g = plan(TWO_REPOS + "files:\n  - {src: f1, dest: /workspace/f1}\n");
        List<Stage> repos = g.stagesOf(Phase.REPOS);
        assertEquals(List.of("repos-clone-0", "repos-clone-1", "repos"), repos.stream().map(Stage::name).toList());
        for (Stage side : repos.subList(0, 2)) {
            assertEquals(Stage.Role.SIDE, side.role());
            assertEquals("habitat", side.from(), "files only copies to places git does not read: clones do not wait for it");
            assertTrue(side.operations().stream().anyMatch(o -> o instanceof Operation.CloneRepo));
        }
        assertEquals("files", repos.get(2).from(), "the main line goes on from files");
        assertEquals(List.of(new Operation.CopyFromStage("repos-clone-0", "/src/a"), new Operation.CopyFromStage("repos-clone-1", "/src/b")),
                repos.get(2).operations());
        assertEquals("repos", g.lastStageOf(Phase.REPOS).name());
    }

    @Test
    void clonesWaitForFilesThatGitMayReadAndForBeforeReposHooks() {
        assertEquals("files", plan(TWO_REPOS + "files:\n  - {src: f1, dest: /etc/gitconfig}\n").stagesOf(Phase.REPOS).get(0).from());
        assertEquals("files", plan(TWO_REPOS + "files:\n  - {src: f1, dest: ~/.gitconfig}\n").stagesOf(Phase.REPOS).get(0).from());
        assertEquals("files", plan(TWO_REPOS + "scripts:\n  - {commands: [echo], after: files}\n").stagesOf(Phase.REPOS).get(0).from());
        StageGraph hooked = plan(TWO_REPOS + "scripts:\n  - {commands: [apt-get install -y git], before: repos}\n");
        assertEquals("repos-before", hooked.stagesOf(Phase.REPOS).get(1).from(), "git may come from the hook");
    }

    @Test
    void usersAreCreatedWithAFixedAccountDateSoThePhaseDoesNotDependOnTheDay() {
        StageGraph g = plan("");
        Operation.RunCommand create = (Operation.RunCommand) g.stagesOf(Phase.USERS).get(0).operations().get(0);
        assertTrue(create.command().contains("SOURCE_DATE_EPOCH=1577836800 useradd "), create.command());
    }

    @Test
    void theEnvMarkerNamesTheVariablesNotTheirValues() {
        Function<String, String> marker = config -> {
            StageGraph g = new Fixture(dir).write("habitat/config.yaml", config).plan().graph();
            Operation.SetEnv env = (Operation.SetEnv) g.lastStageOf(Phase.ENV).operations().get(0);
            return env.vars().get(GeneratedFiles.ENV_MARKER);
        };
        String dev = marker.apply(Fixture.MINIMAL);
        // an image built from the generated Dockerfile with --build-arg USER=alice has the same ENV as the plugin's
        // build with -Dhabitat.arg.USER=alice: the marker cannot depend on the value
        assertEquals(dev, marker.apply(Fixture.MINIMAL.replace("USER=dev", "USER=alice")));
        assertFalse(dev.equals(marker.apply(Fixture.MINIMAL + "  - EXTRA=1\n")), "another variable is another env");
    }
}
