package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.snapshot.Sharing;
import dev.habitat.core.method.SegmentJob;
import dev.habitat.core.Fixture;
import dev.habitat.core.HabitatException;
import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.plan.MachineFacts;
import dev.habitat.core.registry.ImageReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A habitat that lists its platforms, built over the fake engine: per platform hashes, snapshots, resume and reports. */
class MultiPlatformBuildTest {
    private static final Platform AMD64 = Platform.parse("linux/amd64", "t");
    private static final Platform ARM64 = Platform.parse("linux/arm64", "t");
    private static final String CONFIG = Fixture.MINIMAL + "scripts:\n  - commands: [uname -m]\n";
    private static final String BOTH = CONFIG + "platforms: [linux/amd64, linux/arm64]\n";

    @TempDir
    Path dir;
    private final FakeEngine engine = new FakeEngine();
    private final FakeMethod method = new FakeMethod(engine);
    private final SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();
    private final List<String> log = progress.infos;

    @BeforeEach
    void baseImage() {
        engine.put("debian:bookworm", Map.of());
        engine.containerdStore = true;
        engine.variants.put(ARM64, "content-of-the-arm64-variant");
    }

    private List<BuildSummary> build(String config, Sharing sharing) {
        log.clear();
        BuildOptions options = new BuildOptions(Phase.FINAL, null, false, null, dir.resolve("target"), null, sharing);
        return new HabitatBuilder(engine, method, progress, new ExternalInputResolver(host -> MachineFacts.none()))
                .buildEach(new Fixture(dir).write("habitat/config.yaml", config).plan().graph(), options);
    }

    private Set<String> snapshotTags() {
        return engine.images.keySet().stream().filter(t -> t.startsWith("habitat-demo:")).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    void eachPlatformGetsItsOwnSnapshotsHashesAndReportAndOnlyAnotherPlatformIsAskedOfTheEngine() throws Exception {
        List<BuildSummary> summaries = build(BOTH, null);
        assertEquals(List.of(AMD64, ARM64), summaries.stream().map(BuildSummary::platform).toList());
        assertEquals("habitat-demo:12-final-linux-amd64", summaries.get(0).finalImage());
        assertEquals("habitat-demo:12-final-linux-arm64", summaries.get(1).finalImage());
        assertEquals(20, snapshotTags().size(), "ten snapshots per platform: " + snapshotTags());
        assertTrue(method.jobs.stream().filter(j -> j.tag() != null && j.tag().endsWith("-linux-amd64")).allMatch(j -> j.platform() == null),
                "the engine's own platform is built as before, no platform asked");
        assertTrue(method.jobs.stream().filter(j -> j.tag() != null && j.tag().endsWith("-linux-arm64")).allMatch(j -> ARM64.equals(j.platform())));
        assertTrue(method.jobs.stream().filter(j -> ARM64.equals(j.platform())).allMatch(j -> j.fromImage() == null || j.fromImage().endsWith("-linux-arm64")),
                "a platform's build starts from its own snapshots");
        String amdHash = engine.images.get("habitat-demo:12-final-linux-amd64").labels().get("habitat.hash.final");
        String armHash = engine.images.get("habitat-demo:12-final-linux-arm64").labels().get("habitat.hash.final");
        assertTrue(amdHash != null && !amdHash.equals(armHash), amdHash + " " + armHash);
        ObjectMapper json = new ObjectMapper();
        assertEquals("demo for linux/arm64",
                json.readTree(dir.resolve("target/demo/linux-arm64/report.json").toFile()).get("habitat").asText());
        assertTrue(Files.exists(dir.resolve("target/demo/linux-amd64/report.html")));

        int jobs = method.jobs.size();
        List<BuildSummary> again = build(BOTH, null);
        assertEquals(jobs, method.jobs.size(), "nothing changed on either platform: nothing is built");
        assertTrue(again.stream().allMatch(BuildSummary::upToDate));

        // a change rebuilds each platform from its own snapshots
        build(BOTH.replace("uname -m", "uname -a"), null);
        List<SegmentJob> rebuilt = method.jobs.subList(jobs, method.jobs.size());
        assertEquals(List.of("habitat-demo:8-tools-linux-amd64", "habitat-demo:8-tools-linux-arm64"),
                rebuilt.stream().filter(j -> j.phases().contains(Phase.SCRIPTS)).map(SegmentJob::fromImage).toList());
    }

    @Test
    void anotherPlatformNeedsTheContainerdImageStoreAndTheMessageSaysHowToSwitch() {
        engine.containerdStore = false;
        HabitatException e = assertThrows(HabitatException.class, () -> build(BOTH, null));
        assertTrue(e.getMessage().contains("linux/arm64") && e.getMessage().contains("containerd image store")
                && e.getMessage().contains("containerd-snapshotter") && e.getMessage().contains("-Dhabitat.platforms=linux/amd64"), e.getMessage());
        assertEquals(List.of(), method.jobs, "nothing was built");
        build(CONFIG + "platforms: [linux/amd64]\n", null);
        assertTrue(engine.images.containsKey("habitat-demo:12-final-linux-amd64"), "the engine's own platform alone builds there");
    }

    /**
     * CI (amd64) builds both platforms and pushes; an arm64 machine whose habitat lists no platform (its own) asks the
     * registry for its own platform's tags and pulls every phase: the hashes are the same, since the platform enters
     * them resolved.
     */
    @Test
    void anArm64MachinesOwnBuildPullsWhatCiBuiltForLinuxArm64() {
        engine.variants.put(ARM64, engine.contentIdentity("debian:bookworm").orElseThrow()); // the arm64 machine's base, by content
        Sharing push = new Sharing(ImageReference.parse("127.0.0.1:5000/team", false), null, true, null);
        build(BOTH, push);
        assertEquals(20, engine.registry.size(), engine.registry.keySet().toString());
        assertTrue(engine.registry.keySet().stream().allMatch(t -> t.matches(".*:\\d+-[a-z]+-linux-(amd|arm)64-[0-9a-f]{16}")),
                engine.registry.keySet().toString());

        // another amd64 machine asking for linux/arm64 alone pulls the arm64 variant by naming the platform
        snapshotTags().forEach(engine.images::remove);
        engine.pullPlatforms.clear();
        build(CONFIG + "platforms: [linux/arm64]\n", push);
        assertEquals(List.of("linux/arm64"), engine.pullPlatforms, "only the target is asked of a containerd store, for its platform");
        assertTrue(engine.images.containsKey("habitat-demo:12-final-linux-arm64"));

        // the laptop: arm64, the classic store, no snapshot, the habitat as it is in git without platforms
        snapshotTags().forEach(engine.images::remove);
        engine.pullPlatforms.clear();
        engine.platform = ARM64;
        engine.containerdStore = false;
        int jobs = method.jobs.size();
        List<BuildSummary> laptop = build(CONFIG, push);
        assertEquals(jobs, method.jobs.size(), "no phase was built");
        assertNull(laptop.get(0).platform());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("habitat: pulled 12-final from 127.0.0.1:5000/team/habitat-demo:12-final-linux-arm64-")),
                log.toString());
        assertEquals("habitat-demo:12-final", laptop.get(0).finalImage());
        assertTrue(engine.pullPlatforms.stream().allMatch("own"::equals), "its own platform is not named: " + engine.pullPlatforms);
    }
}
