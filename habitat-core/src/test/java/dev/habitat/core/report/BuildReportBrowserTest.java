package dev.habitat.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.habitat.core.Phase;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a realistic build opened in headless Chromium: asserts on the layout the browser computed (every
 * text inside the timeline's SVG, bar labels left of the bars, bars on the axis, the legend drawn). Chromium is
 * found on the PATH as {@code chromium} (Debian's package); without it the test is skipped, unless
 * {@code HABITAT_REQUIRE_BROWSER=1}, where it fails.
 */
class BuildReportBrowserTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    /** Tolerance of the layout comparisons, in CSS pixels (sub-pixel text extents). */
    private static final double SLACK = 0.5;
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);

    /**
     * Measures the page where it loads and appends the result to it, base64-encoded JSON in {@code <pre id=layout>},
     * for {@code --dump-dom} to print.
     */
    private static final String PROBE = """
            <script>
            (function () {
              const box = e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; };
              const svg = document.querySelector('svg[aria-label="build timeline"]');
              const layout = {
                svg: box(svg),
                axis: box(svg.querySelector('line.axis')),
                texts: [...svg.querySelectorAll('text')].map(t => Object.assign(box(t), {cls: t.getAttribute('class'), text: t.textContent})),
                bars: [...svg.querySelectorAll('rect')].map(r => Object.assign(box(r), {cls: r.getAttribute('class'),
                  title: r.parentNode.querySelector('title').textContent})),
                legend: [...document.querySelectorAll('.legend rect')].map(r => Object.assign(box(r), {cls: r.getAttribute('class')})),
                legendText: document.querySelector('.legend').textContent
              };
              const pre = document.createElement('pre');
              pre.id = 'layout';
              pre.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(layout))));
              document.body.appendChild(pre);
            })();
            </script>
            """;
    private static final Pattern LAYOUT = Pattern.compile("<pre id=\"layout\">([A-Za-z0-9+/=]+)</pre>");

    @TempDir
    Path dir;

    private static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    private static StageTiming stage(String name, double from, double to, boolean cached) {
        return new StageTiming(name, at(from), at(to), cached);
    }

    private static PhaseResult ran(Phase phase, PhaseResult.Status status, double from, double to, StageTiming... stages) {
        return new PhaseResult(phase, status, Duration.between(at(from), at(to)), phase.snapshotted() ? "sha256:" + phase.id() : null,
                phase.snapshotted() ? "habitat-dev:" + phase.tagSuffix() : null, at(from), at(to), List.of(stages));
    }

    /**
     * A build resumed from 2-users: hooks, clones side by side, a phase without stage timings, a long scripts phase
     * and a test that failed at {@code end} seconds, where the build ended; one hook stage has a name too long for
     * the label column.
     */
    private static BuildReport realisticBuild(double end) {
        List<PhaseResult> phases = List.of(
                new PhaseResult(Phase.BASE, PhaseResult.Status.SNAPSHOT, Duration.ZERO, "sha256:1", "habitat-dev:1-base"),
                new PhaseResult(Phase.USERS, PhaseResult.Status.SNAPSHOT, Duration.ZERO, "sha256:2", "habitat-dev:2-users"),
                ran(Phase.ENV, PhaseResult.Status.CACHED, 0.2, 0.3, stage("env", 0.2, 0.3, true)),
                ran(Phase.WORKDIR, PhaseResult.Status.BUILT, 0.3, 1.1, stage("workdir-before", 0.3, 0.9, false),
                        stage("workdir", 0.9, 1.1, false)),
                ran(Phase.HABITAT, PhaseResult.Status.CACHED, 1.1, 1.2, stage("habitat", 1.1, 1.2, true)),
                ran(Phase.FILES, PhaseResult.Status.BUILT, 1.2, 3.0, stage("files-core", 1.2, 2.6, false), stage("files", 2.6, 3.0, false)),
                ran(Phase.REPOS, PhaseResult.Status.BUILT, 1.3, 6.4, stage("repos-clone-0", 1.3, 5.8, false),
                        stage("repos-clone-1", 1.3, 2.2, true), stage("repos-clone-2", 1.4, 4.9, false),
                        stage("repos-clone-3", 1.4, 1.5, true), stage("repos", 5.8, 6.4, false)),
                // docker-exec style: the phase ran, with no stage timings
                ran(Phase.TOOLS, PhaseResult.Status.CACHED, 6.4, 6.5),
                ran(Phase.SCRIPTS, PhaseResult.Status.BUILT, 6.5, 20.9,
                        stage("scripts-before-install-the-toolchain-and-caches", 6.5, 8.0, false),
                        stage("scripts-core", 8.0, 20.1, false), stage("scripts", 20.1, 20.9, false)),
                ran(Phase.VERIFY, PhaseResult.Status.BUILT, 20.9, 21.3, stage("verify", 20.9, 21.3, false)),
                ran(Phase.TEST, PhaseResult.Status.FAILED, 21.3, end, stage("test", 21.3, end, false)));
        // the long script's three commands: a short one, the toolchain install, one too short to draw a time in
        List<CommandTiming> commands = List.of(
                new CommandTiming(Phase.SCRIPTS, "scripts-core", "scripts[2]", 1, at(9.0), Duration.ofMillis(900)),
                new CommandTiming(Phase.SCRIPTS, "scripts-core", "scripts[2]", 2, at(19.0), Duration.ofMillis(10_000)),
                new CommandTiming(Phase.SCRIPTS, "scripts-core", "scripts[2]", 3, at(20.0), Duration.ofMillis(200)));
        return new BuildReport("dev", "buildkit", T0, at(end), false, phases, commands, Map.of("habitat-dev:9-scripts", 912_000_000L),
                "phase 11-test failed: exit 1", null);
    }

    @Test
    void theTimelineOfARealisticBuildIsLaidOutInsideItsSvg() throws Exception {
        JsonNode layout = laidOut(realisticBuild(23.7));
        assertEquals(List.of("0s", "5s", "10s", "15s", "20s"), textsOf(layout, "tick"));
        List<JsonNode> stageBars = new ArrayList<>();
        List<JsonNode> commandBars = new ArrayList<>();
        layout.get("bars").forEach(b -> (b.get("cls").asText().equals("command") ? commandBars : stageBars).add(b));
        assertEquals(17, stageBars.size(), "one bar per stage, and one for 8-tools");
        assertEquals(List.of("scripts[2] command 1: 0.9 s", "scripts[2] command 2: 10.0 s", "scripts[2] command 3: 0.2 s"),
                commandBars.stream().map(b -> b.get("title").asText()).toList());
        JsonNode scriptsCore = stageBars.stream().filter(b -> b.get("title").asText().startsWith("9-scripts \u00b7 scripts-core:"))
                .findFirst().orElseThrow();
        for (JsonNode c : commandBars) {
            assertTrue(c.get("left").asDouble() >= scriptsCore.get("left").asDouble() - SLACK
                    && c.get("right").asDouble() <= scriptsCore.get("right").asDouble() + SLACK
                    && c.get("top").asDouble() >= scriptsCore.get("top").asDouble() - SLACK
                    && c.get("bottom").asDouble() <= scriptsCore.get("bottom").asDouble() + SLACK,
                    "a command lies inside its stage's bar: " + c + " in " + scriptsCore);
        }
        assertTrue(commandBars.get(1).get("right").asDouble() - commandBars.get(1).get("left").asDouble()
                > 10 * (commandBars.get(0).get("right").asDouble() - commandBars.get(0).get("left").asDouble()), "drawn to scale");
        assertEquals(List.of("#2 10.0 s"), textsOf(layout, "command-time"), "the time is written where it fits");
        JsonNode time = layout.get("texts").findParents("cls").stream().filter(t -> t.get("cls").asText().equals("command-time"))
                .findFirst().orElseThrow();
        assertTrue(inside(time, commandBars.get(1)), "the time lies inside its command: " + time + " in " + commandBars.get(1));
        List<String> labels = textsOf(layout, "bar-label");
        assertTrue(labels.containsAll(List.of("3-env", "7-repos \u00b7 repos-clone-2", "7-repos", "8-tools", "9-scripts \u00b7 scripts-core",
                "11-test")), labels.toString());
        String cut = Timeline.fitted("9-scripts \u00b7 scripts-before-install-the-toolchain-and-caches");
        assertTrue(cut.endsWith("\u2026") && labels.contains(cut), labels.toString());
        assertTrue(layout.get("bars").findValuesAsText("title").contains(
                "9-scripts \u00b7 scripts-before-install-the-toolchain-and-caches: built, 1.50 s"), "the whole label in the tooltip");
        List<String> colours = layout.get("bars").findValuesAsText("cls");
        assertTrue(colours.containsAll(List.of("built", "cached", "failed")), colours.toString());

        assertEquals(List.of("built", "cached", "failed", "snapshot", "regrouped", "built", "command", "command"),
                layout.get("legend").findValuesAsText("cls"));
        layout.get("legend").forEach(swatch -> assertTrue(swatch.get("right").asDouble() - swatch.get("left").asDouble() > 0, swatch.toString()));
        assertTrue(layout.get("legendText").asText().contains("cached (BuildKit's cache)"), layout.toString());
    }

    @Test
    void aTickAtTheEndOfTheAxisKeepsItsLabelInsideTheSvg() throws Exception {
        JsonNode layout = laidOut(realisticBuild(25));
        assertEquals(List.of("0s", "5s", "10s", "15s", "20s", "25s"), textsOf(layout, "tick"));
    }

    /**
     * The report's layout as Chromium computed it, after asserting that every text lies inside the SVG, no bar label
     * reaches the bars, every bar lies on the axis and no two tick labels overlap.
     */
    private JsonNode laidOut(BuildReport report) throws Exception {
        Path chromium = chromium();
        report.write(dir);
        String page = Files.readString(dir.resolve(BuildReport.HTML_FILE));
        Path probe = dir.resolve("probe.html");
        Files.writeString(probe, page.replace("</body>", PROBE + "</body>"));
        JsonNode layout = layoutIn(chromium, probe);

        JsonNode svg = layout.get("svg");
        JsonNode axis = layout.get("axis");
        List<String> problems = new ArrayList<>();
        for (JsonNode t : layout.get("texts")) {
            String what = t.get("cls").asText() + " '" + t.get("text").asText() + "' " + t;
            if (t.get("right").asDouble() - t.get("left").asDouble() <= 0) {
                problems.add(what + " has no width: is a font installed (fonts-dejavu-core)?");
            }
            if (!inside(t, svg)) {
                problems.add(what + " is outside the SVG " + svg);
            }
            if (t.get("cls").asText().equals("bar-label") && t.get("right").asDouble() > axis.get("left").asDouble() - SLACK) {
                problems.add(what + " runs into the bars, which start at x=" + axis.get("left").asDouble());
            }
        }
        for (JsonNode bar : layout.get("bars")) {
            if (bar.get("left").asDouble() < axis.get("left").asDouble() - SLACK
                    || bar.get("right").asDouble() > axis.get("right").asDouble() + SLACK) {
                problems.add("bar '" + bar.get("title").asText() + "' " + bar + " is off the axis " + axis);
            }
        }
        List<JsonNode> ticks = new ArrayList<>();
        layout.get("texts").forEach(t -> {
            if (t.get("cls").asText().equals("tick")) {
                ticks.add(t);
            }
        });
        for (int i = 1; i < ticks.size(); i++) {
            if (ticks.get(i).get("left").asDouble() < ticks.get(i - 1).get("right").asDouble()) {
                problems.add("tick labels overlap: " + ticks.get(i - 1) + " and " + ticks.get(i));
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        return layout;
    }

    /** The texts of the SVG's text elements of one class, in document order. */
    private static List<String> textsOf(JsonNode layout, String cls) {
        List<String> out = new ArrayList<>();
        layout.get("texts").forEach(t -> {
            if (t.get("cls").asText().equals(cls)) {
                out.add(t.get("text").asText());
            }
        });
        return out;
    }

    private static boolean inside(JsonNode box, JsonNode frame) {
        return box.get("left").asDouble() >= frame.get("left").asDouble() - SLACK
                && box.get("right").asDouble() <= frame.get("right").asDouble() + SLACK
                && box.get("top").asDouble() >= frame.get("top").asDouble() - SLACK
                && box.get("bottom").asDouble() <= frame.get("bottom").asDouble() + SLACK;
    }

    /** Chromium on the PATH; without it the test is skipped, or fails when {@code HABITAT_REQUIRE_BROWSER=1}. */
    private static Path chromium() {
        Optional<Path> found = onPath("chromium");
        if (found.isEmpty()) {
            String why = "no 'chromium' on the PATH: install Debian's package (apt-get install -y --no-install-recommends chromium) "
                    + "to check the build report's layout in a browser";
            if ("1".equals(System.getenv("HABITAT_REQUIRE_BROWSER"))) {
                fail(why + " (HABITAT_REQUIRE_BROWSER=1 requires it)");
            }
            Assumptions.abort(why);
        }
        return found.get();
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Loads {@code page} (a file: URL; host names resolve to nothing, so nothing goes to the network) in a fresh
     * profile under the test's directory and returns what the probe measured.
     */
    private JsonNode layoutIn(Path chromium, Path page) throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("browser-home"));
        Path out = dir.resolve("dom.html");
        Path err = dir.resolve("chromium.log");
        ProcessBuilder pb = new ProcessBuilder(chromium.toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--disable-dev-shm-usage", "--user-data-dir=" + home.resolve("profile"), "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1600,1200", "--dump-dom",
                page.toUri().toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // its caches and settings under the test's directory, not the user's
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
        pb.environment().put("XDG_CACHE_HOME", home.resolve("cache").toString());
        Process browser = pb.start();
        try {
            if (!browser.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("chromium did not finish within " + BROWSER_TIMEOUT.toSeconds() + " s; its log:\n" + tail(err));
            }
        } finally {
            if (browser.isAlive()) {
                browser.descendants().forEach(ProcessHandle::destroyForcibly);
                browser.destroyForcibly();
            }
        }
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        Matcher m = LAYOUT.matcher(dom);
        assertTrue(m.find(), "chromium (exit " + browser.exitValue() + ") printed no layout; its log:\n" + tail(err) + "\n" + dom);
        return new ObjectMapper().readTree(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
