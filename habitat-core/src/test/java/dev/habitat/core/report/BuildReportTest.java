package dev.habitat.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.ContextTransfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildReportTest {
    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    private BuildReport report() {
        PhaseResult base = new PhaseResult(Phase.BASE, PhaseResult.Status.SNAPSHOT, Duration.ZERO, "sha256:0123456789abcdef", "habitat-x:1-base");
        PhaseResult repos = new PhaseResult(Phase.REPOS, PhaseResult.Status.BUILT, Duration.ofSeconds(4), "sha256:fedcba9876543210aa",
                "habitat-x:7-repos", at(1), at(5), List.of(new StageTiming("clone-0", at(1), at(4), false),
                new StageTiming("clone-1", at(1.2), at(3), true), new StageTiming("repos", at(4), at(5), false)));
        PhaseResult test = new PhaseResult(Phase.TEST, PhaseResult.Status.FAILED, Duration.ZERO, null, null);
        return new BuildReport("x<y>", "buildkit", T0, at(10), false, List.of(base, repos, test), List.of(),
                Map.of("habitat-x:7-repos", 123_000_000L), "phase 11-test failed <exit 1>",
                new ContextTransfer(ContextTransfer.Route.SESSION, 5000, 2, 4096, 40));
    }

    @Test
    void anUpToDateRunKeepsTheLastBuildsReportAndLinksIt() throws Exception {
        report().write(dir);
        String built = Files.readString(dir.resolve(BuildReport.LAST_BUILD_HTML));
        assertTrue(built.contains("clone-0"), "the last build's own report");
        PhaseResult snap = new PhaseResult(Phase.FINAL, PhaseResult.Status.SNAPSHOT, Duration.ZERO, "sha256:aa", "habitat-x:12-final");
        new BuildReport("x<y>", "buildkit", at(20), at(21), true, List.of(snap), List.of(), Map.of(), null, null).write(dir);
        assertEquals(built, Files.readString(dir.resolve(BuildReport.LAST_BUILD_HTML)), "kept as it was");
        String now = Files.readString(dir.resolve(BuildReport.HTML_FILE));
        assertTrue(now.contains("up to date") && now.contains("<a href=\"last-build.html\">"), now);
        var json = new ObjectMapper().readTree(dir.resolve(BuildReport.JSON_FILE).toFile());
        assertTrue(json.path("upToDate").asBoolean());
        assertEquals("last-build.json", json.path("lastBuild").asText());
    }

    @Test
    void eachSnapshotShowsWhatItAddsBesideTheImageSizeAndTheTimelineHasALegend() throws Exception {
        PhaseResult base = new PhaseResult(Phase.BASE, PhaseResult.Status.SNAPSHOT, Duration.ZERO, "sha256:01", "habitat-x:1-base");
        PhaseResult files = new PhaseResult(Phase.FILES, PhaseResult.Status.BUILT, Duration.ofSeconds(1), "sha256:02", "habitat-x:6-files");
        PhaseResult test = new PhaseResult(Phase.TEST, PhaseResult.Status.BUILT, Duration.ofSeconds(1), null, null);
        PhaseResult fin = new PhaseResult(Phase.FINAL, PhaseResult.Status.BUILT, Duration.ofSeconds(1), "sha256:03", "habitat-x:12-final");
        BuildReport r = new BuildReport("x", "buildkit", T0, at(3), false, List.of(base, files, test, fin), List.of(),
                Map.of("habitat-x:1-base", 100_000_000L, "habitat-x:6-files", 104_000_000L, "habitat-x:12-final", 104_000_100L), null, null);
        assertEquals(Map.of(Phase.BASE, 100_000_000L, Phase.FILES, 4_000_000L, Phase.FINAL, 100L), r.addedBytes(),
                "a test phase makes no snapshot and adds nothing");
        r.write(dir);
        var json = new ObjectMapper().readTree(dir.resolve(BuildReport.JSON_FILE).toFile());
        assertEquals(4_000_000L, json.get("phases").get(1).get("addedBytes").asLong());
        assertFalse(json.get("phases").get(2).has("addedBytes"));
        String html = Files.readString(dir.resolve(BuildReport.HTML_FILE));
        assertTrue(html.contains("<th class=\"num\">added (MB)</th>") && html.contains("<td class=\"num\">4.0</td>"), html);
        assertTrue(html.contains("class=\"legend\"") && html.contains("snapshot reused"), html);
    }

    @Test
    void jsonHasEveryPhaseWithTimesSizesAndStages() throws Exception {
        report().write(dir);
        JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("report.json")));
        assertEquals("x<y>", json.get("habitat").asText());
        assertEquals(10.0, json.get("seconds").asDouble());
        assertEquals(3, json.get("phases").size());
        JsonNode repos = json.get("phases").get(1);
        assertEquals("7-repos", repos.get("phase").asText());
        assertEquals("built", repos.get("status").asText());
        assertEquals(123_000_000L, repos.get("sizeBytes").asLong());
        assertEquals("2026-11-23T10:00:01Z", repos.get("start").asText());
        assertEquals(3, repos.get("stages").size());
        assertTrue(repos.get("stages").get(1).get("cached").asBoolean());
        assertEquals("failed", json.get("phases").get(2).get("status").asText());
        assertTrue(json.get("failure").asText().contains("11-test"));
        assertFalse(json.get("phases").get(0).has("start"), "a reused snapshot did not run");
        JsonNode context = json.get("context");
        assertEquals("session", context.get("route").asText());
        assertEquals(5000, context.get("bytesSent").asLong());
        assertEquals(2, context.get("filesSent").asLong());
    }

    @Test
    void htmlDrawsOneBarPerStageOnTheTimelineAndEscapesText() throws Exception {
        Path html = report().write(dir);
        String page = Files.readString(html);
        String timeline = page.substring(0, page.indexOf("class=\"legend\""));
        assertEquals(3, timeline.split("<rect ", -1).length - 1, "one bar per stage that ran (the legend aside)");
        // the label column fits "7-repos · clone-0" (17 characters): 17 * 7.5 + 12 = 139.5, so 140; clone-0 starts at
        // 1 s of 10 s: x = 140 + 900 * 0.1; clone-1 overlaps it (parallel stages)
        assertTrue(page.contains("<rect class=\"built\" x=\"230.0\" y=\"2\" width=\"270.0\""), page);
        assertTrue(page.contains("<rect class=\"cached\" x=\"248.0\""), page);
        assertTrue(page.contains("habitat x&lt;y&gt;"));
        assertTrue(page.contains("failed &lt;exit 1&gt;"));
        assertTrue(page.contains("<td>fedcba987654</td><td class=\"num\">123.0</td>"), page);
        assertFalse(page.contains("<script"), "no scripts, no external resources");
    }

    @Test
    void everyBarNamesItsPhaseTheSameWayAndALongLabelIsCutWithItsWholeTextInTheTooltip() throws Exception {
        String longStage = "scripts-before-with-a-very-long-hook-name";
        PhaseResult files = new PhaseResult(Phase.FILES, PhaseResult.Status.BUILT, Duration.ofSeconds(1), "sha256:02", "habitat-x:6-files",
                at(0), at(1), List.of(new StageTiming("files", at(0), at(1), false)));
        PhaseResult repos = new PhaseResult(Phase.REPOS, PhaseResult.Status.BUILT, Duration.ofSeconds(1), "sha256:03", "habitat-x:7-repos",
                at(1), at(2), List.of(new StageTiming("repos-clone-0", at(1), at(2), false)));
        PhaseResult tools = new PhaseResult(Phase.TOOLS, PhaseResult.Status.CACHED, Duration.ZERO, "sha256:04", "habitat-x:8-tools",
                at(2), at(2), List.of());
        PhaseResult scripts = new PhaseResult(Phase.SCRIPTS, PhaseResult.Status.BUILT, Duration.ofSeconds(1), "sha256:05",
                "habitat-x:9-scripts", at(2), at(3), List.of(new StageTiming(longStage, at(2), at(3), false)));
        String page = new BuildReport("x", "buildkit", T0, at(3), false, List.of(files, repos, tools, scripts), List.of(), Map.of(), null, null).html();
        assertTrue(page.contains(">6-files</text>"), "the phase's own stage: the phase id alone");
        assertTrue(page.contains(">7-repos \u00b7 repos-clone-0</text>"), page);
        assertTrue(page.contains(">8-tools</text>"), "a phase without stage timings: the phase id too");
        String whole = "9-scripts \u00b7 " + longStage;
        String cut = Timeline.fitted(whole);
        assertEquals(Timeline.LABEL_MAX_CHARS, cut.length());
        assertTrue(cut.endsWith("\u2026") && whole.startsWith(cut.substring(0, cut.length() - 1)), cut);
        assertTrue(page.contains(">" + cut + "</text>") && page.contains("<title>" + whole + ": built, 1.00 s</title>"), page);
        // the label column is as wide as the longest label that is drawn (32 * 7.5 + 12 = 252), not the whole one
        assertTrue(page.contains("<line class=\"axis\" x1=\"252\""), page);
        assertEquals("7-repos", Timeline.barLabel(Phase.REPOS, "repos"));
        assertEquals("9-scripts \u00b7 scripts-core", Timeline.barLabel(Phase.SCRIPTS, "scripts-core"));
    }

    @Test
    void axisTicksAreRoundAndTheirLabelsAreAnchoredInsideAtBothEnds() {
        assertEquals(List.of(0.0, 5.0, 10.0, 15.0, 20.0), Timeline.ticks(23.7));
        assertEquals(11, Timeline.ticks(10).size(), "0 to 10 s by 1 s");
        assertEquals(List.of(0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0), Timeline.ticks(12.3));
        assertEquals(6, Timeline.ticks(0.5).size(), "0 to 0.5 s by 0.1 s");
        assertEquals(11, Timeline.ticks(100).size(), "0 to 100 s by 10 s");
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0, 100.0), Timeline.ticks(101));
        PhaseResult files = new PhaseResult(Phase.FILES, PhaseResult.Status.BUILT, Duration.ofSeconds(10), "sha256:02", "habitat-x:6-files",
                at(0), at(10), List.of());
        String page = new BuildReport("x", "buildkit", T0, at(10), false, List.of(files), List.of(), Map.of(), null, null).html();
        // 6-files is 7 characters: the axis runs from 90 to 990, the SVG is 1014 wide
        assertTrue(page.contains("width=\"1014\""), page);
        assertTrue(page.contains("x=\"90.0\" y=\"40\" text-anchor=\"start\">0s</text>"), page);
        assertTrue(page.contains("x=\"540.0\" y=\"40\" text-anchor=\"middle\">5s</text>"), page);
        assertTrue(page.contains("x=\"990.0\" y=\"40\" text-anchor=\"end\">10s</text>"), page);
    }

    @Test
    void verifyAndTestReusedWithTheFinalSnapshotShowPassedWithANoteAndNoSnapshot() throws Exception {
        PhaseResult scripts = new PhaseResult(Phase.SCRIPTS, PhaseResult.Status.SNAPSHOT, Duration.ZERO, "sha256:09", "habitat-x:9-scripts");
        PhaseResult verify = new PhaseResult(Phase.VERIFY, PhaseResult.Status.PASSED, Duration.ZERO, null, null);
        PhaseResult fin = new PhaseResult(Phase.FINAL, PhaseResult.Status.SNAPSHOT, Duration.ZERO, "sha256:12", "habitat-x:12-final");
        new BuildReport("x", "buildkit", T0, at(1), true, List.of(scripts, verify, fin), List.of(), Map.of(), null, null).write(dir);
        JsonNode phases = new ObjectMapper().readTree(dir.resolve(BuildReport.JSON_FILE).toFile()).get("phases");
        assertEquals("passed", phases.get(1).get("status").asText());
        assertEquals("ran when 12-final was built; no snapshot of its own", phases.get(1).get("note").asText());
        assertTrue(phases.get(1).get("snapshot").isNull());
        assertEquals("snapshot", phases.get(2).get("status").asText(), "a real snapshot is still reused as one");
        assertFalse(phases.get(2).has("note"));
        String page = Files.readString(dir.resolve(BuildReport.HTML_FILE));
        assertTrue(page.contains("<tr><td>10-verify</td><td>passed <span class=\"note\">(ran when 12-final was built; no snapshot of its own)"
                + "</span></td>"), page);
        assertTrue(page.contains("<tr><td>12-final</td><td>snapshot</td>"), page);
    }

    @Test
    void aScriptsCommandsAreDrawnInsideItsBarWithTheirTimesAndListedInTheJson() throws Exception {
        PhaseResult scripts = new PhaseResult(Phase.SCRIPTS, PhaseResult.Status.BUILT, Duration.ofSeconds(10), "sha256:09",
                "habitat-x:9-scripts", at(0), at(10), List.of(new StageTiming("scripts", at(0), at(10), false)));
        List<CommandTiming> commands = List.of(
                new CommandTiming(Phase.SCRIPTS, "scripts", "scripts[0]", 1, at(2), Duration.ofSeconds(2)),
                new CommandTiming(Phase.SCRIPTS, "scripts", "scripts[0]", 2, at(9), Duration.ofSeconds(7)),
                new CommandTiming(Phase.REPOS, "repos", "other", 1, at(9), Duration.ofSeconds(1)));
        new BuildReport("x", "buildkit", T0, at(10), false, List.of(scripts), commands, Map.of(), null, null).write(dir);
        String page = Files.readString(dir.resolve(BuildReport.HTML_FILE));
        // the axis runs from 90 to 990 px for 10 s: command 1 spans 0-2 s, command 2 spans 2-9 s
        assertTrue(page.contains("<title>scripts[0] command 1: 2.0 s</title><rect class=\"command\" x=\"90.0\" y=\"2\" width=\"180.0\""), page);
        assertTrue(page.contains("<rect class=\"command\" x=\"270.0\" y=\"2\" width=\"630.0\""), page);
        assertTrue(page.contains(">#2 7.0 s</text>"), page);
        assertFalse(page.contains("other command 1"), "a command of a stage not drawn is not drawn either");
        JsonNode timed = new ObjectMapper().readTree(dir.resolve(BuildReport.JSON_FILE).toFile()).get("phases").get(0).get("commands");
        assertEquals(2, timed.size());
        assertEquals("scripts", timed.get(1).get("stage").asText());
        assertEquals("scripts[0]", timed.get(1).get("script").asText());
        assertEquals(2, timed.get(1).get("command").asInt());
        assertEquals(7.0, timed.get(1).get("seconds").asDouble());
    }

    @Test
    void aPhaseWithoutStageTimingsHasItsCommandsDrawnInItsOwnBar() {
        PhaseResult scripts = new PhaseResult(Phase.SCRIPTS, PhaseResult.Status.BUILT, Duration.ofSeconds(10), "sha256:09",
                "habitat-x:9-scripts", at(0), at(10), List.of());
        List<CommandTiming> commands = List.of(new CommandTiming(Phase.SCRIPTS, "scripts", "scripts[0]", 1, at(9), Duration.ofSeconds(9)));
        String page = new BuildReport("x", "docker-exec", T0, at(10), false, List.of(scripts), commands, Map.of(), null, null).html();
        assertTrue(page.contains("<title>scripts[0] command 1: 9.0 s</title><rect class=\"command\" x=\"90.0\" y=\"2\" width=\"810.0\""), page);
    }
}
