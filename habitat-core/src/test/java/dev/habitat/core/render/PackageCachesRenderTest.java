package dev.habitat.core.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.plan.CacheMount;
import dev.habitat.core.plan.GeneratedFiles;
import dev.habitat.core.plan.PhaseHasher;
import dev.habitat.core.plan.PlannedHabitat;
import dev.habitat.core.plan.StepScripts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Package caches in the Dockerfile and the staged context: the mounts of script steps, their mount points, apt's setup. */
class PackageCachesRenderTest {
    @TempDir
    Path dir;

    static final String CONFIG = Fixture.MINIMAL + """
            caches: [npm, /var/cache/tool]
            scripts:
              - {run_as: root, after: base, commands: [apt-get update]}
              - {run_as: dev, commands: [npm ci]}
              - {run_as: dev, commands: [npm test]}
            verify-fs:
              required_files: [/workspace]
            tests: [/opt/t.sh]
            """;

    private PlannedHabitat plan(String config) {
        return new Fixture(dir).write("habitat/config.yaml", config).plan();
    }

    private String render(String config) {
        PlannedHabitat h = plan(config);
        return new DockerfileRenderer().render(h.graph(), h.hashes());
    }

    private static String runLine(String df, String containing) {
        return df.lines().filter(l -> l.startsWith("RUN ") && l.contains(containing)
                && (containing.contains("set -e; t=") || !l.contains("set -e; t="))).findFirst().orElseThrow(() -> new AssertionError(df));
    }

    @Test
    void scriptStepsMountEachCacheByItsPerHabitatIdWithItsSharingAndOwner() {
        String df = render(CONFIG);
        String tool = "habitat-cache-demo-path-" + PhaseHasher.digest("/var/cache/tool").substring(0, 12);
        assertTrue(runLine(df, "apt-get update").startsWith("RUN --mount=type=cache,id=habitat-cache-demo-apt-1,target=/var/cache/apt,sharing=locked "
                + "--mount=type=cache,id=habitat-cache-demo-apt-2,target=/var/lib/apt/lists,sharing=locked "
                + "--mount=type=cache,id=habitat-cache-demo-npm-root,target=/root/.npm,sharing=shared "
                + "--mount=type=cache,id=" + tool + ",target=/var/cache/tool,sharing=locked "
                + "--mount=type=bind,source=scripts/after-base/0,"), runLine(df, "apt-get update") + "\n(a root script needs no owner step)");
        String npm = runLine(df, "npm ci");
        assertTrue(npm.contains("--mount=type=cache,id=habitat-cache-demo-npm-dev,target=/home/dev/.npm,sharing=shared "), npm);
        assertTrue(npm.contains("--mount=type=cache,id=" + tool + ",target=/var/cache/tool,sharing=locked "), "one cache for every user: " + npm);
        assertTrue(npm.contains("id=habitat-cache-demo-apt-1,target=/var/cache/apt,sharing=locked "), "apt is root's for every user: " + npm);
        for (String other : List.of("verify.sh", "run.sh verify-fs", "run.sh tests")) {
            df.lines().filter(l -> l.startsWith("RUN ") && l.contains(other)).forEach(l -> assertFalse(l.contains("type=cache"), l));
        }
    }

    @Test
    void eachScriptWithCachesIsPreparedAsRootByAStepThatRunsWhenItRuns() {
        String df = render(CONFIG);
        String scripts = df.substring(df.indexOf("FROM tools AS scripts"), df.indexOf("FROM scripts AS verify"));
        assertEquals(2, scripts.split("# package caches of the next step", -1).length - 1, "one per script: " + scripts);
        assertTrue(scripts.matches("(?s).*COPY \\[\"generated/entrypoint.sh\".*\nRUN --mount=type=cache,id=habitat-cache-demo-npm-dev,"
                + "target=/run/habitat/cache/0,sharing=shared --mount=type=cache,id=habitat-cache-demo-path-[0-9a-f]{12},"
                + "target=/run/habitat/cache/1,sharing=locked --mount=type=bind,source=scripts/scripts/1,target=/run/habitat/script "
                + "set -e; t='/var/cache/apt'; .*\nUSER dev\n# scripts\\[1].*"), scripts);
        String prep = runLine(scripts, "source=scripts/scripts/1,target=/run/habitat/script set -e; t=");
        assertTrue(prep.contains("t='/home/dev/.npm'; top=$t; first=; while [ ! -e \"$top\" ]; do first=$top; top=$(dirname \"$top\"); done; "
                + "mkdir -p \"$t\"; if [ -n \"$first\" ]; then chown -R 'dev:' \"$first\"; fi"), prep);
        assertTrue(prep.endsWith("; chown 'dev:' /run/habitat/cache/0; chown 'dev:' /run/habitat/cache/1; "
                + ": bash /run/habitat/script/run.sh 'scripts[1]' -- 'npm ci'"), "its key follows the script's: " + prep);
        assertFalse(prep.contains("'root:'"), "root's directories need no chown: " + prep);
        String rootPrep = runLine(df, "set -e; t='/var/cache/apt'; top=$t;");
        assertTrue(rootPrep.startsWith("RUN set -e;") && !rootPrep.contains(": bash"), "root's caches need no owner: " + rootPrep);
        assertFalse(df.substring(df.indexOf("FROM scripts AS verify")).contains("# package caches"), "verify and tests mount none");
    }

    @Test
    void theMountPointScriptCreatesOnlyWhatIsMissingAndKeepsWhatExists() throws Exception {
        Path root = dir.resolve("img");
        Files.createDirectories(root.resolve("home/dev/.cache"));
        Files.writeString(root.resolve("home/dev/.cache/keep"), "k");
        List<CacheMount> caches = List.of(new CacheMount("pip", "x", root + "/home/dev/.cache/pip", "root", "shared"),
                new CacheMount("go", "y", root + "/home/dev/go/pkg/mod", "root", "shared"));
        Process p = new ProcessBuilder("sh", "-c", StepScripts.cacheMountPoints(caches)).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(Files.isDirectory(root.resolve("home/dev/.cache/pip")) && Files.isDirectory(root.resolve("home/dev/go/pkg/mod")));
        assertEquals("k", Files.readString(root.resolve("home/dev/.cache/keep")));
    }

    @Test
    void aptIsToldToKeepItsDownloadsInTheCacheThroughAConfigFileOfTheStepOnly() throws Exception {
        PlannedHabitat h = plan(CONFIG);
        BuildContext ctx = new ContextStager().stage(h.graph(), new DockerfileRenderer().render(h.graph(), h.hashes()),
                dir.resolve("target/habitat/demo"), dir.resolve("target"));
        Path conf = ctx.directory().resolve("scripts/after-base/0/" + GeneratedFiles.APT_CACHE_CONFIG);
        String text = Files.readString(conf);
        assertTrue(text.contains("Dir::Cache::Archives \"/var/cache/apt/habitat-archives/\";"), "out of docker-clean's reach: " + text);
        assertTrue(text.contains("APT::Keep-Downloaded-Packages \"true\";") && text.contains("Binary::apt::APT::Keep-Downloaded-Packages \"true\";"), text);
        assertTrue(text.contains("DPkg::Options { \"--force-unsafe-io\"; };"), "dpkg unpacks without an fsync per file: " + text);
        assertFalse(Files.exists(ctx.directory().resolve("scripts/test/" + GeneratedFiles.APT_CACHE_CONFIG)), "tests mount no cache");
        // the runner points APT_CONFIG at it for the step's commands, and leaves one the habitat sets alone
        Path step = dir.resolve("step");
        Files.createDirectories(step);
        Files.writeString(step.resolve(GeneratedFiles.RUNNER_NAME), GeneratedFiles.runner());
        Files.writeString(step.resolve(GeneratedFiles.APT_CACHE_CONFIG), GeneratedFiles.aptCacheConfig());
        assertEquals(step.resolve(GeneratedFiles.APT_CACHE_CONFIG).toString(), runnerSays(step, null));
        assertEquals("/etc/mine.conf", runnerSays(step, "/etc/mine.conf"));
    }

    @Test
    void aDirectoryNamedTwiceIsMountedOnceAsTheFirstCacheNamingIt() {
        List<CacheMount> m = CacheMount.of("demo", plan(Fixture.MINIMAL + "caches: [npm, ~/.npm, /var/cache/apt]\n").graph().config().caches(), "dev");
        assertEquals(List.of("/var/cache/apt", "/var/lib/apt/lists", "/home/dev/.npm"), m.stream().map(CacheMount::target).toList());
        assertEquals("habitat-cache-demo-npm-dev", m.get(2).id());
    }

    @Test
    void withAptOffNothingIsMountedForItAndAptIsLeftAlone() throws IOException {
        String config = Fixture.MINIMAL + "caches: {apt: false}\nscripts:\n  - {run_as: root, commands: [apt-get update]}\n";
        String df = render(config);
        assertFalse(df.contains("type=cache"), df);
        assertFalse(df.contains("# package cache mount points"), df);
        PlannedHabitat h = plan(config);
        BuildContext ctx = new ContextStager().stage(h.graph(), new DockerfileRenderer().render(h.graph(), h.hashes()),
                dir.resolve("target/habitat/demo"), dir.resolve("target"));
        assertFalse(Files.exists(ctx.directory().resolve("scripts/scripts/0/" + GeneratedFiles.APT_CACHE_CONFIG)));
    }

    private static String runnerSays(Path step, String aptConfig) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", step.resolve(GeneratedFiles.RUNNER_NAME).toString(), "scripts[0]", "--",
                "echo \"$APT_CONFIG\"").redirectErrorStream(true);
        pb.environment().remove("APT_CONFIG");
        if (aptConfig != null) {
            pb.environment().put("APT_CONFIG", aptConfig);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().findFirst().orElse("");
    }
}
