package dev.habitat.core.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import dev.habitat.core.plan.PlannedHabitat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerfileRendererTest {
    /** The default apt cache of a script step of habitat demo. */
    static final String APT_MOUNTS = "--mount=type=cache,id=habitat-cache-demo-apt-1,target=/var/cache/apt,sharing=locked "
            + "--mount=type=cache,id=habitat-cache-demo-apt-2,target=/var/lib/apt/lists,sharing=locked ";

    @TempDir
    Path dir;

    private String render(String config) {
        PlannedHabitat h = new Fixture(dir).write("habitat/f", "x").write("habitat/config.yaml", config).plan();
        return new DockerfileRenderer().render(h.graph(), h.hashes());
    }

    @Test
    void onePhaseStagePerPhaseWithAHeadingAndOnlyTheBuiltInFrontendsSyntax() {
        String df = render(Fixture.MINIMAL + "scripts:\n  - {commands: [echo], before: files}\n");
        for (Phase p : Phase.values()) {
            assertTrue(df.contains("# Phase " + p.id() + ": " + p.phaseName() + " - "), p.toString());
            assertTrue(df.matches("(?s).*\nFROM \\S+ AS " + p.phaseName() + "\n.*"), p.toString());
            assertTrue(df.contains("habitat.phase=\"" + p.tagSuffix() + "\""), p.toString());
        }
        assertTrue(df.contains("FROM habitat AS files-before\n"));
        assertFalse(df.contains("# syntax"));
        assertFalse(df.contains("--link"));
        assertFalse(df.contains("<<"), "no heredocs");
    }

    @Test
    void envValuesCannotBreakOutOfTheirInstruction() {
        String df = render("""
                name: demo
                base_image: debian:bookworm
                env:
                  - USER=dev
                  - WORKDIR=/workspace
                  - 'Q=a "quoted" $HOME ${HOME} `id` back\\slash end\\'
                  - PATH=${PATH}:/opt/bin
                """);
        assertTrue(df.contains("    Q=\"a \\\"quoted\\\" \\$HOME ${HOME} `id` back\\\\slash end\\\\\" \\\n"), df);
        assertTrue(df.contains("    PATH=\"${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}:/opt/bin\""), df);
    }

    @Test
    void pathsAndCommandsStayInsideTheirInstruction() {
        String df = render("""
                name: demo
                base_image: debian:bookworm
                env:
                  - USER=dev
                  - WORKDIR=/work space/it's "here"
                files:
                  - {src: f, dest: "/opt/a $b\\\\c\\"d.txt", owner: dev}
                scripts:
                  - commands: ["echo 'single' \\"double\\" $x `y`\\nRUN rm -rf /"]
                entry:
                  command: echo "hi" && exit 3
                """);
        // the word lexer sees \$b, \\c and \" (JSON-escaped here): all three arrive literally (checked on the engine by exec-equivalence)
        assertTrue(df.contains("COPY --chown=dev:dev [\"files/0/f\", \"/opt/a \\\\$b\\\\\\\\c\\\\\\\"d.txt\"]\n"), df);
        assertTrue(df.contains("WORKDIR /work space/it\\'s \\\"here\\\"\n"), df);
        assertTrue(df.contains("RUN mkdir -p '/work space/it'\\''s \"here\"' && chown 'dev:' '/work space/it'\\''s \"here\"'\n"), df);
        assertTrue(df.contains("CMD [\"/bin/bash\", \"-c\", \"echo \\\"hi\\\" && exit 3\"]\n"), df);
        assertFalse(df.contains("\nRUN rm -rf /"), "script text lives in a staged file, not in the Dockerfile");
        assertTrue(df.contains("RUN " + APT_MOUNTS + "--mount=type=bind,source=scripts/scripts/0,target=/run/habitat/script bash /run/habitat/script/run.sh"
                + " 'scripts[0]'\n"), df);
        assertTrue(df.contains("\n#   $ echo 'single' \"double\" $x `y` RUN rm -rf /\n"), "each command, on one line, in the step's comment: " + df);
    }

    @Test
    void aShortScriptsCommandsAreInItsRunLineQuotedAndALongOnesInFiles() {
        String longCommand = "echo " + "x".repeat(dev.habitat.core.plan.Operation.RunScript.INLINE_COMMAND_CHARS);
        String df = render(Fixture.MINIMAL + "scripts:\n  - commands: [\"echo \\\"it's\\\" $HOME\", \"make -j2 all\"]\n"
                + "  - commands: [" + longCommand + "]\n");
        assertTrue(df.contains("RUN " + APT_MOUNTS + "--mount=type=bind,source=scripts/scripts/0,target=/run/habitat/script bash /run/habitat/script/run.sh"
                + " 'scripts[0]' -- 'echo \"it'\\''s\" $HOME' 'make -j2 all'\n"), df);
        assertTrue(df.contains("bash /run/habitat/script/run.sh 'scripts[1]'\n"), "a long command stays in a file: " + df);
        assertTrue(df.contains("#   $ " + longCommand.substring(0, 157) + "...\n"), df);
    }

    @Test
    void usersSwitchForScriptsAndStagesEndAsRoot() {
        String df = render(Fixture.MINIMAL + "scripts:\n  - {run_as: dev, commands: [whoami]}\n");
        String scripts = df.substring(df.indexOf("FROM tools AS scripts"), df.indexOf("FROM scripts AS verify"));
        assertTrue(scripts.matches("(?s).*USER dev\n# scripts\\[0] \\[dev] whoami\nRUN --mount.* -- whoami\nUSER root\nLABEL.*"), scripts);
        String fin = df.substring(df.indexOf("FROM test AS final"));
        assertTrue(fin.contains("USER dev\nWORKDIR /workspace\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/bin/bash\"]\n"), fin);
    }

    /**
     * The docker socket's group is given last: at the end of the final stage, after 12-final's content (after verify
     * and test), then USER back and the machine label from the build argument; nothing before reads the argument. Before,
     * the step was in 2-users.
     */
    @Test
    void aColdBuildGivesTheSocketsGroupLastInTheFinalStage() {
        String df = render(Fixture.MINIMAL + "scripts:\n  - {run_as: dev, commands: [whoami]}\n");
        int fin = df.indexOf("FROM test AS final\n");
        assertTrue(fin > 0, df);
        assertTrue(df.indexOf("ARG DOCKER_GROUP_GID") > fin, "declared in the final stage only: " + df);
        String last = df.substring(fin);
        String users = df.substring(df.indexOf("FROM base AS users"), df.indexOf("FROM users AS env"));
        assertFalse(users.contains("DOCKER_GROUP_GID"), users);
        List<String> order = List.of("CMD [\"/bin/bash\"]\n", "ARG DOCKER_GROUP_GID\nUSER root\n# machine step: give dev the docker socket's group",
                "\nRUN set -e; d=/var/lib/habitat/machine-step; ",
                "groupadd -g \"$DOCKER_GROUP_GID\" docker; fi; g=docker; fi && usermod -aG \"$g\" 'dev'; fi\nUSER dev\n"
                        + "LABEL habitat.machine.docker-gid=\"${DOCKER_GROUP_GID:-none}\"\n",
                "LABEL habitat.schema=");
        int at = 0;
        for (String part : order) {
            int next = last.indexOf(part, at);
            assertTrue(next >= at, "'" + part + "' after the step before it in:\n" + last);
            at = next + part.length();
        }
        assertEquals(1, last.split("\nFROM ", -1).length, "the final stage is the last one: " + last);
    }

    /** On a 12-final made for another machine, the machine step alone: one stage FROM it, the same lines as a cold build's. */
    @Test
    void theMachineStepAloneIsOneStageFromTheFinalSnapshot() {
        PlannedHabitat h = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL).plan();
        String alone = new DockerfileRenderer().renderMachineStep(h.graph(), "habitat-demo:12-final");
        String cold = new DockerfileRenderer().render(h.graph(), h.hashes());
        String step = alone.substring(alone.indexOf("# machine step: this machine's facts"));
        assertTrue(alone.contains("\nFROM habitat-demo:12-final AS final\n# machine step: this machine's facts"), alone);
        assertTrue(cold.contains(step), "the same step as a cold build's end of final:\n" + step + "\n---\n" + cold);
        assertEquals(1, alone.split("\nFROM ", -1).length - 1, alone);
        assertFalse(alone.contains("habitat.hash."), "the hash labels stay those of the 12-final it starts from");
    }

    @Test
    void cloneUsesTheGitCacheMountAndQuotesItsValues() {
        String df = render(Fixture.MINIMAL + """
                repos:
                  - {url: "https://h.invalid/it's.git", path: /workspace/r, branch: feature/x, shallow: false}
                  - {url: https://h.invalid/s.git, path: /workspace/s, owner: root}
                """);
        assertTrue(df.contains("ARG HABITAT_REPO_0_REVISION\n"), df);
        String cache = "habitat-git-" + sha256Hex("demo\nhttps://h.invalid/it's.git").substring(0, 24);
        assertTrue(df.contains("RUN --mount=type=cache,id=" + cache + ",target=/var/cache/habitat-git/" + cache + ",sharing=locked set -e; "), df);
        assertTrue(df.contains("cache=/var/cache/habitat-git/" + cache + "/mirror.git; "), df);
        // nothing stored in the mirror is trusted: fresh config, no hooks, the fetch names the URL
        assertTrue(df.contains("printf '[core]\\n\\trepositoryformatversion = 0\\n\\tbare = true\\n' > \"$cache/config\"; "
                + "rm -rf \"$cache/hooks\" \"$cache/objects/info/alternates\"; "
                + "g -C \"$cache\" fetch --quiet --prune -- \"$url\" '+refs/*:refs/*' || true; "), df);
        assertTrue(df.contains("g() { git -c core.hooksPath=/dev/null \"$@\"; }; "), df);
        assertTrue(df.contains("g -C \"$dest\" fetch --quiet -- \"$url\" \"$rev\""), df);
        assertFalse(df.contains(" origin"), "no stored remote is fetched: " + df);
        assertFalse(df.contains("id=habitat-git,"), "no cache shared by every repo: " + df);
        assertTrue(df.contains("url='https://h.invalid/it'\\''s.git'; dest='/workspace/r'; rev=\"${HABITAT_REPO_0_REVISION:-}\""), df);
        assertTrue(df.contains("g clone --quiet --reference \"$cache\" --dissociate --branch 'feature/x' -- \"$url\" \"$dest\""), df);
        assertTrue(df.contains("chown -R 'dev:' \"$dest\""), df);
        assertTrue(df.contains("g clone --quiet --depth 1 --single-branch -- \"$url\" \"$dest\""), df);
        String second = df.substring(df.indexOf("ARG HABITAT_REPO_1_REVISION"));
        assertFalse(second.substring(0, second.indexOf("LABEL")).contains("type=cache"), "a shallow clone uses no mirror");
        assertFalse(second.substring(0, second.indexOf("LABEL")).contains("chown"), "owner root: nothing to hand over");
    }

    @Test
    void everyRepositoryAndHabitatHasItsOwnGitCache() {
        String twoRepos = """
                repos:
                  - {url: https://h.invalid/a.git, path: /workspace/a, shallow: false}
                  - {url: https://h.invalid/b.git, path: /workspace/b, shallow: false}
                """;
        List<String> ids = cacheIds(render(Fixture.MINIMAL + twoRepos));
        assertEquals(2, ids.size(), ids.toString());
        assertFalse(ids.get(0).equals(ids.get(1)), "one cache per URL: " + ids);
        List<String> other = cacheIds(render(Fixture.MINIMAL.replace("name: demo", "name: other") + twoRepos));
        assertFalse(other.contains(ids.get(0)) || other.contains(ids.get(1)), "another habitat, other caches: " + ids + " " + other);
    }

    private static List<String> cacheIds(String df) {
        return java.util.regex.Pattern.compile("--mount=type=cache,id=([^,]+),").matcher(df).results().map(m -> m.group(1)).toList();
    }

    private static String sha256Hex(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tildeDestinationsAreCopiedIntoTheHomeFoundInTheImage() {
        String df = render(Fixture.MINIMAL + """
                files:
                  - {src: f, dest: "~/.config/it's/app.conf", owner: dev, mode: "0600"}
                  - {src: f, dest: /etc/plain}
                """);
        assertTrue(df.contains("RUN --mount=type=bind,source=files/0/f,target=/run/habitat/copy set -e; home=$(getent passwd 'dev' | cut -d: -f6); "
                + "[ -n \"$home\" ] || home='/home/dev'; dest=\"$home\"'/.config/it'\\''s/app.conf'; "), df);
        assertTrue(df.contains("if [ -n \"$first\" ]; then chown -R 'dev:dev' \"$first\"; fi; "), df);
        assertTrue(df.contains("cp -a /run/habitat/copy \"$dest\"; chown 'dev:dev' \"$dest\"\n"), df);
        assertTrue(df.contains("COPY [\"files/1/f\", \"/etc/plain\"]"), df);
    }

    @Test
    void configuredTimeoutsStopScriptStepsOfTheirPhase() {
        String df = render(Fixture.MINIMAL + """
                timeout:
                  per-phase: 90s
                  scripts: 2m
                scripts:
                  - {commands: [make], after: repos}
                  - {commands: [make]}
                """);
        assertTrue(df.contains("target=/run/habitat/script timeout --kill-after=10 90s bash /run/habitat/script/run.sh"), df);
        assertTrue(df.contains("target=/run/habitat/script timeout --kill-after=10 120s bash /run/habitat/script/run.sh"), df);
        String none = render(Fixture.MINIMAL + "scripts:\n  - {commands: [make]}\n");
        assertFalse(none.contains("timeout "), "no timeout section: nothing is limited");
    }

    @Test
    void labelsCarryTheHashAndTheInputsOfEachPhase() {
        PlannedHabitat h = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL).plan();
        String df = new DockerfileRenderer().render(h.graph(), h.hashes());
        for (Phase p : List.of(Phase.BASE, Phase.FILES, Phase.FINAL)) {
            assertTrue(df.contains("habitat.hash." + p.phaseName() + "=\"" + h.hashes().get(p).hash() + "\""), p.toString());
        }
        assertTrue(df.contains("habitat.inputs.base=\"{\\\"previous\\\":\\\"scheme-" + dev.habitat.core.plan.PhaseHasher.SCHEME + "\\\""), df);
        assertEquals(12, df.split("habitat.schema=\"1\"", -1).length - 1);
    }

    @Test
    void aHabitatDockerfileBecomesTheBase() {
        new Fixture(dir).write("habitat/Dockerfile", "ARG V=1\nFROM debian:bookworm\nRUN echo $V > /v\n");
        String df = render("name: demo\nenv: [USER=dev, WORKDIR=/w]\n");
        assertTrue(df.contains("ARG V=1\nFROM debian:bookworm AS habitat-dockerfile\nRUN echo $V > /v\n"), df);
        assertTrue(df.contains("FROM habitat-dockerfile AS base\n"), df);
    }

    @Test
    void secretsAreMountedForTheirStepOnlyAndTheCloneReadsThemThroughACredentialHelper() {
        String df = render(Fixture.MINIMAL + """
                repos:
                  - url: https://h.invalid/private.git
                    path: /src/p
                    auth: git-token
                scripts:
                  - commands: [npm ci]
                    secrets: [npm-token]
                  - commands: [echo no secrets here]
                """);
        List<String> runs = df.lines().filter(l -> l.startsWith("RUN ")).toList();
        String clone = runs.stream().filter(l -> l.contains("clone")).findFirst().orElseThrow();
        assertTrue(clone.startsWith("RUN --mount=type=secret,id=git-token,target=/run/secrets/git-token,mode=0400 "
                + "--mount=type=secret,id=git-token.username,target=/run/secrets/git-token.username,mode=0400 "), clone);
        assertTrue(clone.contains("g() { git -c core.hooksPath=/dev/null -c credential.helper= -c credential.helper='!f() { test \"$1\" = get || exit 0; "), clone);
        assertTrue(clone.contains("[ \"$p\" = '\\''https'\\'' ] && [ \"$h\" = '\\''h.invalid'\\'' ] || exit 0; "
                + "echo username=$(cat /run/secrets/git-token.username 2>/dev/null || echo git); "
                + "echo password=$(cat /run/secrets/git-token); }; f'"), "answers for the repo's host only: " + clone);
        assertTrue(clone.contains("url='https://h.invalid/private.git'"), "the URL carries no credentials: " + clone);
        assertTrue(clone.contains("secret '\\''git-token'\\'' failed"), "a failed clone names the secret: " + clone);
        List<String> withNpm = runs.stream().filter(l -> l.contains("npm-token")).toList();
        assertEquals(1, withNpm.size(), "only the script that asks for it: " + runs);
        assertTrue(withNpm.get(0).startsWith("RUN --mount=type=secret,id=npm-token,target=/run/secrets/npm-token,mode=0444 "
                + APT_MOUNTS + "--mount=type=bind,source=scripts/scripts/0,"), withNpm.get(0));
        assertEquals(2, runs.stream().filter(l -> l.contains("type=secret")).count(), "nothing else mounts a secret");
    }

    @Test
    void anOpenRepositoryIsClonedWithoutACredentialHelper() {
        String df = render(Fixture.MINIMAL + "repos:\n  - {url: 'https://h.invalid/r.git', path: /r}\n");
        assertFalse(df.contains("credential.helper"), df);
        assertFalse(df.contains("type=secret"), df);
    }

    @Test
    void theReposPhaseMountsOnlyTheCloneOfItsSideStageSoBuildKitChecksumsTheCloneNotTheWholeRoot() {
        String df = render(Fixture.MINIMAL + "repos:\n  - {url: 'https://h.invalid/a.git', path: /src/lib-a_1.2}\n");
        assertTrue(df.contains("RUN --mount=type=bind,from=repos-clone-0,source=/src/lib-a_1.2,target=/run/habitat/from-stage set -e; "
                + "dest='/src/lib-a_1.2'; rm -rf \"$dest\"; mkdir -p \"$(dirname \"$dest\")\"; cp -a /run/habitat/from-stage \"$dest\"\n"), df);
        // a path a mount option cannot carry (a space, a comma) mounts the stage's root, as before
        assertFalse(DockerfileRenderer.plainMountPath("/src/a b"));
        assertFalse(DockerfileRenderer.plainMountPath("/src/a,b"));
        assertFalse(DockerfileRenderer.plainMountPath("/"));
    }

    @Test
    void sideStagesStartFromTheirBaseStageOrItsSnapshotWhenOnlyTheReposPhaseIsRendered() {
        PlannedHabitat h = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL
                + "repos:\n  - {url: 'https://h.invalid/a.git', path: /src/a b}\n").plan();
        String full = new DockerfileRenderer().render(h.graph(), h.hashes());
        assertTrue(full.contains("FROM habitat AS repos-clone-0\n"), full);
        assertTrue(full.contains("FROM files AS repos\n"), full);
        assertTrue(full.contains("RUN --mount=type=bind,from=repos-clone-0,target=/run/habitat/from-stage set -e; dest='/src/a b'; "
                + "rm -rf \"$dest\"; mkdir -p \"$(dirname \"$dest\")\"; cp -a /run/habitat/from-stage\"$dest\" \"$dest\"\n"), full);
        String segment = new DockerfileRenderer().render(h.graph(), h.hashes(), java.util.EnumSet.of(Phase.REPOS), "habitat-demo:6-files");
        assertTrue(segment.contains("FROM side-habitat AS repos-clone-0\n"), segment);
        assertTrue(segment.contains("FROM habitat-demo:6-files AS repos\n"), segment);
        // the side chain repeats phases 1-5 exactly as the build from the base ran them: same steps, same cache keys
        assertEquals(instructions(full, "base", "files"), instructions(segment.replace("side-", ""), "base", "repos-clone-0"));
    }

    @Test
    void aHabitatDockerfileIsRenderedAgainBeforeTheSideChainSoClonesKeepTheirCacheKeys() {
        PlannedHabitat h = new Fixture(dir).write("habitat/Dockerfile", "ARG V=1\nFROM debian:bookworm\nRUN echo $V > /v\n")
                .write("habitat/config.yaml", Fixture.MINIMAL.replaceAll("(?m)^base_image:.*\n", "")
                        + "repos:\n  - {url: 'https://h.invalid/a.git', path: /src/a}\n").plan();
        String full = new DockerfileRenderer().render(h.graph(), h.hashes());
        String segment = new DockerfileRenderer().render(h.graph(), h.hashes(), java.util.EnumSet.of(Phase.REPOS), "habitat-demo:6-files");
        assertTrue(segment.contains("ARG V=1\nFROM debian:bookworm AS habitat-dockerfile\nRUN echo $V > /v\n"), segment);
        assertTrue(segment.contains("FROM habitat-dockerfile AS side-base\n"), segment);
        assertTrue(segment.contains("FROM side-habitat AS repos-clone-0\n"), segment);
        assertEquals(instructions(full, "base", "files"), instructions(segment.replace("side-", ""), "base", "repos-clone-0"));
    }

    /** The instruction lines from stage {@code from} up to (not including) stage {@code until}, comments dropped. */
    private static List<String> instructions(String dockerfile, String from, String until) {
        List<String> lines = dockerfile.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        int start = lines.indexOf(lines.stream().filter(l -> l.endsWith(" AS " + from)).findFirst().orElseThrow());
        int end = lines.indexOf(lines.stream().filter(l -> l.endsWith(" AS " + until)).findFirst().orElseThrow());
        return lines.subList(start, end);
    }
}
