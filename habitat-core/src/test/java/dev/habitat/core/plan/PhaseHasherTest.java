package dev.habitat.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import dev.habitat.core.config.HabitatConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhaseHasherTest {
    @TempDir
    Path dir;

    static final String BASE = """
            name: demo
            base_image: debian:bookworm
            env:
              - USER=dev
              - WORKDIR=/workspace
            files:
              - {src: f, dest: /f}
              - {src: d, dest: /d}
              - {src: hooked, dest: /hooked, before: env}
            repos:
              - {url: https://r.invalid/r.git, path: /r}
            tools: {node: 20}
            scripts:
              - {commands: [echo main]}
              - {commands: [echo early], after: workdir}
            verify-fs:
              required_files: [/f]
            tests: [/opt/t.sh]
            entry:
              command: bash
            """;

    private Fixture fixture() {
        return new Fixture(dir).write("habitat/f", "f").write("habitat/t.sh", "t").write("habitat/u.sh", "u").write("habitat/d/x", "x").write("habitat/d/sub/y", "y")
                .write("habitat/hooked", "h").write("habitat/.habignore", "*.tmp\n");
    }

    private Map<Phase, PhaseHash> hashes(String config) {
        return fixture().write("habitat/config.yaml", config).plan().hashes();
    }

    /** The phases whose hash differs between two runs. */
    private static Set<Phase> changed(Map<Phase, PhaseHash> a, Map<Phase, PhaseHash> b) {
        Set<Phase> out = EnumSet.noneOf(Phase.class);
        for (Phase p : Phase.values()) {
            if (!a.get(p).hash().equals(b.get(p).hash())) {
                out.add(p);
            }
        }
        return out;
    }

    private static Set<Phase> from(Phase first) {
        return EnumSet.range(first, Phase.FINAL);
    }

    private void assertChangeRebuildsFrom(Phase first, String before, String after) {
        assertEquals(from(first), changed(hashes(before), hashes(after)));
    }

    @Test
    void anUnhashedPlanIsTheSameGraphWithoutHashes(@TempDir Path other) {
        Fixture f = new Fixture(other).write("habitat/f", "f").write("habitat/t.sh", "t").write("habitat/u.sh", "u").write("habitat/d/x", "x")
                .write("habitat/hooked", "h").write("habitat/config.yaml", BASE);
        PlannedHabitat hashed = f.plan();
        PlannedHabitat unhashed = PlannedHabitat.unhashed(f.loader(), other, Path.of("habitat", "config.yaml"), Map.of());
        assertTrue(unhashed.hashes().isEmpty(), "habitat:build hashes under its lock, with the remote heads");
        assertEquals(hashed.graph().stages(), unhashed.graph().stages());
        assertEquals(hashed.config().name(), unhashed.config().name());
    }

    @Test
    void deterministicAndIndependentOfWhereTheHabitatLives(@TempDir Path other) throws IOException {
        Map<Phase, PhaseHash> a = hashes(BASE);
        assertEquals(a, hashes(BASE));
        Fixture moved = new Fixture(other).write("habitat/f", "f").write("habitat/t.sh", "t").write("habitat/u.sh", "u").write("habitat/d/x", "x").write("habitat/d/sub/y", "y")
                .write("habitat/hooked", "h").write("habitat/.habignore", "*.tmp\n").write("habitat/config.yaml", BASE);
        assertEquals(changed(a, moved.plan().hashes()), EnumSet.noneOf(Phase.class));
    }

    @Test
    void eachSectionChangesExactlyItsPhaseAndLaterOnes() {
        assertChangeRebuildsFrom(Phase.BASE, BASE, BASE.replace("debian:bookworm", "debian:trixie"));
        assertChangeRebuildsFrom(Phase.USERS, BASE, BASE.replace("USER=dev", "USER=alice"));
        assertChangeRebuildsFrom(Phase.ENV, BASE, BASE.replace("  - WORKDIR=/workspace\n", "  - WORKDIR=/workspace\n  - EXTRA=1\n"));
        assertChangeRebuildsFrom(Phase.WORKDIR, BASE, BASE.replace("echo early", "echo earlier"));
        assertChangeRebuildsFrom(Phase.FILES, BASE, BASE.replace("{src: f, dest: /f}", "{src: f, dest: /f, mode: 600}"));
        assertChangeRebuildsFrom(Phase.REPOS, BASE, BASE.replace("path: /r}", "path: /r, branch: dev}"));
        assertChangeRebuildsFrom(Phase.TOOLS, BASE, BASE.replace("node: 20", "node: 22"));
        assertChangeRebuildsFrom(Phase.SCRIPTS, BASE, BASE.replace("echo main", "echo other"));
        assertChangeRebuildsFrom(Phase.VERIFY, BASE, BASE.replace("required_files: [/f]", "required_files: [/f, /d]"));
        assertChangeRebuildsFrom(Phase.TEST, BASE, BASE.replace("tests: [/opt/t.sh]", "tests: [/opt/u.sh]"));
        assertChangeRebuildsFrom(Phase.FINAL, BASE, BASE.replace("command: bash", "command: zsh"));
    }

    @Test
    void aBuildArgEntersTheHashesAsTheSameEditOfTheConfigWould() {
        Fixture f = fixture().write("habitat/config.yaml", BASE);
        Map<Phase, PhaseHash> overridden = PlannedHabitat.load(f.loader(), dir, Path.of("habitat/config.yaml"), Map.of("USER", "alice"),
                dir.resolve("target"), ExternalInputs.none()).hashes();
        assertEquals(from(Phase.USERS), changed(hashes(BASE), overridden));
        Map<Phase, PhaseHash> edited = hashes(BASE.replace("USER=dev", "USER=alice"));
        for (Phase p : Phase.values()) {
            if (p != Phase.FINAL) { // 12-final copies config.yaml itself, which the override leaves as it is
                assertEquals(edited.get(p).hash(), overridden.get(p).hash(), p.tagSuffix());
            }
        }
    }

    @Test
    void hashesDifferByPlatformAndOnlyByIt() {
        StageGraph graph = fixture().write("habitat/config.yaml", BASE).plan().graph();
        PhaseHasher hasher = new PhaseHasher(dir.resolve("target"));
        dev.habitat.core.Platform amd64 = dev.habitat.core.Platform.parse("linux/amd64", "t");
        dev.habitat.core.Platform arm64 = dev.habitat.core.Platform.parse("linux/arm64", "t");
        ExternalInputs onAmd64 = new ExternalInputs(Optional.of("sha256:base"), List.of(Optional.of("abc")), MachineFacts.none(), amd64);
        Map<Phase, PhaseHash> a = hasher.hash(graph, onAmd64);
        Map<Phase, PhaseHash> b = hasher.hash(graph, onAmd64.forPlatform(arm64, Optional.of("sha256:base")));
        assertEquals(from(Phase.BASE), changed(a, b), "every phase of another platform is another snapshot");
        assertEquals(a, hasher.hash(graph, onAmd64.forPlatform(amd64, Optional.of("sha256:base"))), "the same platform, the same hashes");
        for (Phase p : Phase.values()) {
            Map<String, String> ia = new java.util.HashMap<>(a.get(p).inputs());
            Map<String, String> ib = new java.util.HashMap<>(b.get(p).inputs());
            assertEquals(p == Phase.BASE ? "linux/amd64" : null, ia.remove("platform"));
            assertEquals(p == Phase.BASE ? "linux/arm64" : null, ib.remove("platform"));
            ia.remove("previous");
            ib.remove("previous");
            assertEquals(ia, ib, p.tagSuffix() + ": only the platform (and what follows from it) differs");
        }
        // the machine's own platform, resolved, hashes like the same platform named: an arm64 laptop's own build
        // shares its snapshots with a CI's linux/arm64 build
        HabitatConfig listed = graph.config().withPlatforms(List.of(amd64, arm64)).forPlatform(arm64);
        assertEquals(changed(b, hasher.hash(new Planner().plan(listed), onAmd64.forPlatform(arm64, Optional.of("sha256:base")))),
                EnumSet.noneOf(Phase.class));
    }

    @Test
    void workdirChangesEnvAndLaterButNotUsers() {
        assertEquals(from(Phase.ENV), changed(hashes(BASE), hashes(BASE.replace("WORKDIR=/workspace", "WORKDIR=/ws"))));
    }

    @Test
    void aConfigEditRebuildsOnlyThePhasesItChangesThoughConfigYamlIsCopiedToLocalPath() {
        String local = BASE.replace("  - WORKDIR=/workspace\n", "  - WORKDIR=/workspace\n  - LOCAL_PATH=/h/local\n");
        assertEquals(EnumSet.of(Phase.FINAL), changed(hashes(local), hashes(local.replace("command: bash", "command: zsh"))),
                "config.yaml reaches LOCAL_PATH in the final phase: an entry edit rebuilds 12-final only");
        assertEquals(EnumSet.range(Phase.SCRIPTS, Phase.FINAL), changed(hashes(local), hashes(local.replace("echo main", "echo other"))));
    }

    @Test
    void hooksHashInThePhaseWhereTheyRun() throws IOException {
        Map<Phase, PhaseHash> a = hashes(BASE);
        Files.writeString(dir.resolve("habitat/hooked"), "changed");
        assertEquals(from(Phase.ENV), changed(a, fixture().write("habitat/hooked", "changed").plan().hashes()));
    }

    @Test
    void fileAndDirectoryContentsAreHashedByContentNotByMtime() throws IOException {
        Map<Phase, PhaseHash> a = hashes(BASE);
        Files.setLastModifiedTime(dir.resolve("habitat/d/x"), FileTime.fromMillis(0));
        assertEquals(EnumSet.noneOf(Phase.class), changed(a, new Fixture(dir).plan().hashes()), "mtime alone changes nothing");
        Files.writeString(dir.resolve("habitat/d/sub/y"), "y2");
        assertEquals(from(Phase.FILES), changed(a, new Fixture(dir).plan().hashes()), "a file deep in a copied directory");
    }

    @Test
    void habignoredFilesDoNotChangeHashes() throws IOException {
        String local = BASE.replace("  - WORKDIR=/workspace\n", "  - WORKDIR=/workspace\n  - LOCAL_PATH=/h/local\n");
        Files.createDirectories(dir.resolve("habitat/deep/er"));
        Map<Phase, PhaseHash> a = hashes(local);
        Files.writeString(dir.resolve("habitat/scratch.tmp"), "noise");
        Files.writeString(dir.resolve("habitat/deep/er/more.tmp"), "noise at any depth");
        assertEquals(EnumSet.noneOf(Phase.class), changed(a, new Fixture(dir).plan().hashes()));
        Files.writeString(dir.resolve("habitat/deep/kept.txt"), "kept");
        assertNotEquals(a.get(Phase.FILES), new Fixture(dir).plan().hashes().get(Phase.FILES));
    }

    @Test
    void externalInputsChangeTheirPhase() {
        PlannedHabitat h = fixture().write("habitat/config.yaml", BASE).plan();
        PhaseHasher hasher = new PhaseHasher(null);
        Map<Phase, PhaseHash> none = hasher.hash(h.graph(), ExternalInputs.none());
        Map<Phase, PhaseHash> repo = hasher.hash(h.graph(), new ExternalInputs(Optional.empty(),
                List.of(Optional.of("abc123")), MachineFacts.none()));
        Map<Phase, PhaseHash> image = hasher.hash(h.graph(), new ExternalInputs(Optional.of("sha256:1"),
                List.of(), MachineFacts.none()));
        assertEquals(from(Phase.REPOS), changed(none, repo));
        assertEquals(from(Phase.BASE), changed(none, image));
    }

    /**
     * Two machines whose docker sockets have other groups (or none: a remote engine) compute the same hashes, up to and
     * including 12-final's: the group is applied by the machine step, which no hash covers. (Before, the group was an
     * input of 2-users, so every hash from 2-users on was the machine's own.)
     */
    @Test
    void theDockerSocketsGroupIsNoInputOfAnyPhase() {
        PlannedHabitat h = fixture().write("habitat/config.yaml", BASE).plan();
        PhaseHasher hasher = new PhaseHasher(null);
        Map<Phase, PhaseHash> a = hasher.hash(h.graph(), new ExternalInputs(Optional.of("sha256:1"), List.of(),
                new MachineFacts(Optional.of("106"))));
        Map<Phase, PhaseHash> b = hasher.hash(h.graph(), new ExternalInputs(Optional.of("sha256:1"), List.of(),
                new MachineFacts(Optional.of("101"))));
        Map<Phase, PhaseHash> remote = hasher.hash(h.graph(), new ExternalInputs(Optional.of("sha256:1"), List.of(), MachineFacts.none()));
        assertEquals(EnumSet.noneOf(Phase.class), changed(a, b));
        assertEquals(EnumSet.noneOf(Phase.class), changed(a, remote));
        assertEquals(a.get(Phase.FINAL).hash(), b.get(Phase.FINAL).hash());
        // nor does the machine step's text enter a stage's inputs: it is not in any stage
        assertTrue(h.graph().stages().stream().flatMap(s -> s.operations().stream())
                .noneMatch(op -> op.canonical().contains(Planner.DOCKER_GID_ARG)), "no stage reads the socket's group");
        assertTrue(a.values().stream().flatMap(p -> p.inputs().keySet().stream()).noneMatch(k -> k.contains("gid")), a.toString());
        assertFalse(h.graph().machineStep().isEmpty(), "the graph still gives USER the socket's group, in the machine step");
    }

    @Test
    void cachesNeverEnterAHash() {
        Map<Phase, PhaseHash> defaults = hashes(BASE);
        assertEquals(defaults, hashes(BASE + "caches: false\n"), "apt off");
        assertEquals(defaults, hashes(BASE + "caches: [npm, pip, maven, gradle, cargo, go, /var/cache/tool, ~/.cache/x]\n"));
        assertEquals(defaults, hashes(BASE + "caches: {apt: false, npm: true}\n"));
    }
}
