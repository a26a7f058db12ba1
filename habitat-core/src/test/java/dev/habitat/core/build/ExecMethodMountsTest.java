package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.ImageConfig;
import dev.habitat.core.method.ContextTally;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.method.exec.ExecMethod;
import dev.habitat.core.plan.PlannedHabitat;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.render.ContextStager;
import dev.habitat.core.render.DockerfileRenderer;
import dev.habitat.core.secrets.Secrets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mounts of a docker-exec build container: config volumes only by opt-in, and then read-only. */
class ExecMethodMountsTest {
    @TempDir
    Path dir;

    /** Runs the files segment of {@code config} with the exec method and returns the create request it made. */
    private FakeEngine.ContainerRequest containerFor(String config, SharedSnapshotsTest.Recorded progress) {
        return containerFor(config, progress, null);
    }

    private FakeEngine.ContainerRequest containerFor(String config, SharedSnapshotsTest.Recorded progress, dev.habitat.core.Platform platform) {
        PlannedHabitat h = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL + config).plan();
        FakeEngine engine = new FakeEngine();
        engine.containerBase = new ImageConfig(List.of("PATH=/usr/bin:/bin"), null, List.of("bash"), "root", "/");
        SegmentJob job = new SegmentJob(h.graph(), h.hashes(), null, EnumSet.of(Phase.FILES), "habitat-demo:5-habitat",
                "habitat-demo:6-files", Map.of(), null, false, dir.resolve("target"), Secrets.none(), new ContextTally(), platform);
        assertThrows(IllegalStateException.class, () -> new ExecMethod(engine, new FakeMethod(engine)).run(job, progress));
        assertEquals(1, engine.containerRequests.size());
        return engine.containerRequests.get(0);
    }

    @Test
    void anotherPlatformsBuildContainerIsCreatedForItTheEnginesOwnNamesNone() {
        dev.habitat.core.Platform arm64 = dev.habitat.core.Platform.parse("linux/arm64", "t");
        assertEquals(arm64, containerFor("", new SharedSnapshotsTest.Recorded(), arm64).platform());
        assertEquals(null, containerFor("", new SharedSnapshotsTest.Recorded()).platform());
    }

    @Test
    void configVolumesAreNeverMountedInABuildContainerByDefault() {
        SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();
        FakeEngine.ContainerRequest c = containerFor("""
                volumes:
                  - /var/run/docker.sock:/var/run/docker.sock
                  - /srv/data:/data:rw
                """, progress);
        assertEquals(List.of(), c.binds(), "nothing: no repository needs a git mirror either");
        assertEquals(List.of(), progress.warnings);
    }

    @Test
    void aVolumeOptedInWithBuildMountIsMountedReadOnlyWithAWarning() {
        SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();
        FakeEngine.ContainerRequest c = containerFor("""
                volumes:
                  - /run/only:/only
                  - {volume: "/srv/data:/data:rw,z", build_mount: true}
                  - {volume: /srv/ref:/ref, build_mount: false}
                """, progress);
        assertEquals(List.of("/srv/data:/data:ro,z"), c.binds());
        assertEquals(1, progress.warnings.size(), progress.warnings.toString());
        String w = progress.warnings.get(0);
        assertTrue(w.contains("/srv/data:/data:ro,z (volumes[1]") && w.contains("read-only") && w.contains("Remove build_mount"), w);
    }

    /**
     * Package caches: the first container mounts none (a mount point made in a home before useradd runs would be
     * the home it finds); before a script step whose caches it lacks, their mount points are made, the container is
     * committed untagged and replaced by one that also mounts a volume per habitat and cache at the same directories,
     * and each per-user volume is given to its user. The switch images go at the end unless a snapshot is on them.
     */
    @Test
    void cacheVolumesAreMountedAtTheCacheDirectoriesFromTheFirstScriptThatNeedsThem() {
        PlannedHabitat h = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL + """
                caches: [npm]
                scripts:
                  - {run_as: dev, commands: [npm ci]}
                  - {run_as: root, commands: [apt-get update]}
                """).plan();
        FakeEngine engine = new FakeEngine();
        engine.containerBase = new ImageConfig(List.of("PATH=/usr/bin:/bin"), null, List.of("bash"), "root", "/");
        engine.runsContainers = true;
        BuildContext ctx = new ContextStager().stage(h.graph(), new DockerfileRenderer().render(h.graph(), h.hashes()),
                dir.resolve("target/habitat/demo"), dir.resolve("target"));
        SegmentJob job = new SegmentJob(h.graph(), h.hashes(), ctx, EnumSet.range(Phase.USERS, Phase.SCRIPTS), "habitat-demo:1-base",
                "habitat-demo:9-scripts", Map.of(), null, false, dir.resolve("target"), Secrets.none(), new ContextTally());
        new ExecMethod(engine, new FakeMethod(engine)).run(job, new SharedSnapshotsTest.Recorded());

        assertEquals(3, engine.containerRequests.size(), engine.containerLog.toString());
        assertEquals(List.of(), engine.containerRequests.get(0).binds(), "users are created without any mount in their homes");
        FakeEngine.ContainerRequest second = engine.containerRequests.get(1);
        assertEquals(List.of("habitat-cache-demo-apt-1:/var/cache/apt", "habitat-cache-demo-apt-2:/var/lib/apt/lists",
                "habitat-cache-demo-npm-dev:/home/dev/.npm"), second.binds(), "the first script's caches");
        assertEquals(List.of("habitat-cache-demo-apt-1:/var/cache/apt", "habitat-cache-demo-apt-2:/var/lib/apt/lists",
                "habitat-cache-demo-npm-dev:/home/dev/.npm", "habitat-cache-demo-npm-root:/root/.npm"),
                engine.containerRequests.get(2).binds(), "the root script's own npm cache added");
        assertTrue(second.name().matches("habitat-build-demo-[0-9a-f]{8}"), "a leftover is found by its name: " + second.name());

        List<String> log = engine.containerLog;
        int points = indexOf(log, "exec container-1 as root: /bin/sh -c set -e; t='/var/cache/apt';");
        int commit = indexOf(log, "commit container-1 as untagged ");
        String switchImage = log.get(commit).substring(log.get(commit).lastIndexOf(' ') + 1);
        int start = log.indexOf("start container-2 from " + switchImage);
        int removed = log.indexOf("remove container-1");
        int chown = indexOf(log, "exec container-2 as root: /bin/sh -c chown 'dev:' '/home/dev/.npm'");
        int script = indexOf(log, "exec container-2 as dev: bash /run/habitat/script/run.sh scripts[0] -- npm ci");
        assertTrue(indexOf(log, "useradd") < points && points < commit && commit < start && start < removed && removed < chown
                && chown < script, log.toString());
        assertTrue(log.get(points).contains("t='/home/dev/.npm'") && log.get(points).contains("chown -R 'dev:' \"$first\""), log.get(points));
        assertTrue(script < indexOf(log, "exec container-2 as root: /bin/sh -c set -e; t='/var/cache/apt';")
                && script < indexOf(log, "commit container-2 as untagged"), "the next script's mount points, then its switch: " + log);
        assertTrue(indexOf(log, "exec container-3 as root: bash /run/habitat/script/run.sh scripts[1] -- apt-get update") > 0);
        assertTrue(indexOf(log, "commit container-3 as habitat-demo:9-scripts") < log.indexOf("remove image " + switchImage), log.toString());
    }

    private static int indexOf(List<String> log, String prefix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).startsWith(prefix) || prefix.equals("useradd") && log.get(i).contains("useradd")) {
                return i;
            }
        }
        throw new AssertionError("no '" + prefix + "' in " + String.join("\n", log));
    }
}
