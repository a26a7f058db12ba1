package dev.habitat.core.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.habitat.core.Json;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.ContextTransfer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.json} and {@code report.html} of one build: per phase its status, start, end, image id
 * and size, and per stage when it ran; the HTML draws the stages on a timeline (inline SVG, no scripts or
 * external resources) above the summary table, so stages that ran side by side are visible.
 *
 * @param commands how long each command of the script steps that ran took, drawn inside their stage's bar (their
 *                 phase's when it has no stage timings, as with docker-exec)
 * @param sizes    image size in bytes by snapshot tag (absent when unknown)
 * @param context  what the build's requests sent as context, or null when none was sent
 */
public record BuildReport(String habitat, String method, Instant started, Instant ended, boolean upToDate,
                          List<PhaseResult> phases, List<CommandTiming> commands, Map<String, Long> sizes, String failure,
                          ContextTransfer context) {
    public static final String JSON_FILE = "report.json";
    public static final String HTML_FILE = "report.html";
    /** The last build that ran something, kept when later runs find the habitat up to date. */
    public static final String LAST_BUILD_HTML = "last-build.html";
    public static final String LAST_BUILD_JSON = "last-build.json";

    public BuildReport {
        phases = List.copyOf(phases);
        commands = List.copyOf(commands);
        sizes = Map.copyOf(sizes);
    }

    /** Writes both files into {@code directory} (each replaced atomically); returns the HTML file. */
    public Path write(Path directory) {
        try {
            Files.createDirectories(directory);
            boolean lastBuildKept = upToDate && Files.exists(directory.resolve(LAST_BUILD_HTML));
            ObjectNode json = json();
            if (lastBuildKept) {
                json.put("lastBuild", LAST_BUILD_JSON);
            }
            String page = html(lastBuildKept);
            replace(directory.resolve(JSON_FILE), Json.indented(json));
            Path html = directory.resolve(HTML_FILE);
            replace(html, page);
            if (!upToDate) {
                // an up-to-date run replaces report.*, never the report of the last build that ran
                replace(directory.resolve(LAST_BUILD_JSON), Json.indented(json));
                replace(directory.resolve(LAST_BUILD_HTML), page);
            }
            return html;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the build report in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void replace(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    ObjectNode json() {
        ObjectNode root = Json.object();
        root.put("habitat", habitat).put("method", method).put("started", started.toString()).put("ended", ended.toString())
                .put("seconds", seconds(Duration.between(started, ended))).put("upToDate", upToDate);
        if (failure != null) {
            root.put("failure", failure);
        }
        if (context != null) {
            root.putObject("context").put("route", context.route().name().toLowerCase(Locale.ROOT)).put("bytesSent", context.bytes())
                    .put("filesSent", context.files()).put("fileBytesSent", context.fileBytes()).put("pathsListed", context.listed());
        }
        ArrayNode list = root.putArray("phases");
        for (PhaseResult r : phases) {
            ObjectNode p = list.addObject();
            p.put("phase", r.phase().tagSuffix()).put("status", r.status().label()).put("seconds", seconds(r.duration()));
            if (!r.status().note().isEmpty()) {
                p.put("note", r.status().note());
            }
            if (r.start() != null) {
                p.put("start", r.start().toString()).put("end", r.end().toString());
            }
            p.put("snapshot", r.snapshot()).put("imageId", r.imageId());
            if (r.snapshot() != null && sizes.containsKey(r.snapshot())) {
                p.put("sizeBytes", sizes.get(r.snapshot()));
            }
            Long added = addedBytes().get(r.phase());
            if (added != null) {
                p.put("addedBytes", added);
            }
            ArrayNode stages = p.putArray("stages");
            for (StageTiming s : r.stages()) {
                stages.addObject().put("stage", s.stage()).put("start", s.start().toString()).put("end", s.end().toString())
                        .put("seconds", seconds(Duration.between(s.start(), s.end()))).put("cached", s.cached());
            }
            List<CommandTiming> own = commandsOf(r.phase(), null);
            if (!own.isEmpty()) {
                ArrayNode timed = p.putArray("commands");
                own.forEach(c -> timed.addObject().put("stage", c.stage()).put("script", c.script()).put("command", c.command())
                        .put("seconds", seconds(c.took())));
            }
        }
        return root;
    }

    String html() {
        return html(false);
    }

    /** The timed commands of one stage of a phase (of every stage when {@code stage} is null), in the order they ran. */
    private List<CommandTiming> commandsOf(Phase phase, String stage) {
        return commands.stream().filter(c -> c.phase() == phase && (stage == null || c.stage().equals(stage))).toList();
    }

    /**
     * What each snapshot adds to the one before it (its own layers), where both sizes are known: the image
     * size of a snapshot includes every earlier phase. The first snapshot adds its whole size.
     */
    Map<Phase, Long> addedBytes() {
        Map<Phase, Long> added = new EnumMap<>(Phase.class);
        Long previous = null;
        boolean first = true;
        for (PhaseResult r : phases) {
            Long size = r.snapshot() == null ? null : sizes.get(r.snapshot());
            if (r.snapshot() == null) {
                continue;
            }
            if (size != null && (first || previous != null)) {
                added.put(r.phase(), first ? size : Math.max(0, size - previous));
            }
            previous = size;
            first = false;
        }
        return added;
    }

    private String html(boolean linkLastBuild) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>habitat ").append(esc(habitat)).append(" build</title><style>")
                .append("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}")
                .append("tr:nth-child(even){background:#f4f4f4}.num{text-align:right}.built{fill:#3572b0}.cached{fill:#9aa5b1}")
                .append(".failed{fill:#c0392b}.snapshot{fill:#d5dbe0}.regrouped{fill:#8fbc8f}.note{color:#666;font-size:smaller}text{font-size:12px}")
                .append("text.bar-label{font-family:monospace}.command{fill:none;stroke:#fff;stroke-width:1.5}")
                .append("text.command-time{fill:#fff;font-size:10px}</style></head><body>\n")
                .append("<h1>habitat ").append(esc(habitat)).append("</h1>\n<p>method ").append(esc(method)).append(", ")
                .append(upToDate ? "up to date: nothing was sent to the engine" : "built").append(", ")
                .append(String.format(Locale.ROOT, "%.1f s", seconds(Duration.between(started, ended)))).append(", started ")
                .append(esc(started.toString())).append("</p>\n");
        if (failure != null) {
            b.append("<pre style=\"color:#c0392b\">").append(esc(failure)).append("</pre>\n");
        }
        if (linkLastBuild) {
            b.append("<p>Nothing was built in this run. The last build that ran: <a href=\"").append(LAST_BUILD_HTML)
                    .append("\">").append(LAST_BUILD_HTML).append("</a>.</p>\n");
        }
        b.append(timeline()).append(LEGEND).append("\n<table><tr><th>phase</th><th>status</th><th class=\"num\">seconds</th>")
                .append("<th>snapshot</th><th>image</th><th class=\"num\">image size (MB)</th><th class=\"num\">added (MB)</th>")
                .append("<th>stages</th></tr>\n");
        Map<Phase, Long> added = addedBytes();
        for (PhaseResult r : phases) {
            Long size = r.snapshot() == null ? null : sizes.get(r.snapshot());
            b.append("<tr><td>").append(esc(r.phase().tagSuffix())).append("</td><td>").append(r.status().label())
                    .append(r.status().note().isEmpty() ? "" : " <span class=\"note\">(" + esc(r.status().note()) + ")</span>")
                    .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.1f", seconds(r.duration())))
                    .append("</td><td>").append(esc(r.snapshot() == null ? "" : r.snapshot())).append("</td><td>")
                    .append(esc(r.imageId() == null ? "" : shortId(r.imageId()))).append("</td><td class=\"num\">")
                    .append(size == null ? "" : String.format(Locale.ROOT, "%.1f", size / 1e6)).append("</td><td class=\"num\">")
                    .append(added.containsKey(r.phase()) ? String.format(Locale.ROOT, "%.1f", added.get(r.phase()) / 1e6) : "")
                    .append("</td><td>");
            List<String> names = new ArrayList<>();
            r.stages().forEach(s -> names.add(s.stage() + (s.cached() ? " (cached)" : "")));
            b.append(esc(String.join(", ", names))).append("</td></tr>\n");
        }
        return b.append("</table>\n</body></html>\n").toString();
    }

    /** What the bar colours mean (the same classes as the bars). */
    private static final String LEGEND = "\n<p class=\"legend\">"
            + "<svg width=\"12\" height=\"12\"><rect class=\"built\" width=\"12\" height=\"12\"/></svg> built "
            + "<svg width=\"12\" height=\"12\"><rect class=\"cached\" width=\"12\" height=\"12\"/></svg> cached (BuildKit's cache) "
            + "<svg width=\"12\" height=\"12\"><rect class=\"failed\" width=\"12\" height=\"12\"/></svg> failed "
            + "<svg width=\"12\" height=\"12\"><rect class=\"snapshot\" width=\"12\" height=\"12\"/></svg> snapshot reused "
            + "<svg width=\"12\" height=\"12\"><rect class=\"regrouped\" width=\"12\" height=\"12\"/></svg> machine step only "
            + "<svg width=\"24\" height=\"12\"><rect class=\"built\" width=\"24\" height=\"12\"/>"
            + "<rect class=\"command\" width=\"10\" height=\"12\"/><rect class=\"command\" x=\"10\" width=\"14\" height=\"12\"/></svg>"
            + " a script's commands inside its bar, each with its own time</p>";

    /** Bar labels longer than this are cut with an ellipsis; the bar's tooltip keeps the whole label. */
    static final int LABEL_MAX_CHARS = 32;
    /** Width of one character of a bar label: 12px monospace is 7.2px or less in the common fonts (0.6em). */
    private static final double LABEL_CHAR_WIDTH = 7.5;
    private static final int AXIS_WIDTH = 900;
    /** Room right of the axis for the end of its last tick label. */
    private static final int RIGHT_MARGIN = 24;
    private static final int ROW_HEIGHT = 18;

    /**
     * The label of a bar, naming its phase the same way on every row: the phase id alone for the phase's own
     * stage (named as the phase) or a phase without stage timings, else {@code 7-repos · repos-clone-0}.
     */
    static String barLabel(Phase phase, String stage) {
        return stage == null || stage.equals(phase.phaseName()) ? phase.tagSuffix() : phase.tagSuffix() + " \u00b7 " + stage;
    }

    /** {@code label} cut to {@link #LABEL_MAX_CHARS} characters, the last one an ellipsis, when longer. */
    static String fitted(String label) {
        return label.length() <= LABEL_MAX_CHARS ? label : label.substring(0, LABEL_MAX_CHARS - 1) + "\u2026";
    }

    /**
     * Where the axis has ticks: a round step (1, 2 or 5 times a power of ten seconds) giving at most ten intervals,
     * from 0 up to {@code total}.
     */
    static List<Double> ticks(double total) {
        double step = 0.1;
        for (int exponent = -1; total / step > 10; exponent++) {
            double power = Math.pow(10, exponent);
            step = total / (2 * power) <= 10 ? 2 * power : total / (5 * power) <= 10 ? 5 * power : 10 * power;
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i * step <= total + 1e-9; i++) {
            out.add(i * step);
        }
        return out;
    }

    /**
     * One bar per stage that ran (per phase when a phase has no stage timings), on a shared time axis. Labels
     * sit in a column wide enough for the longest (monospace, so their width is known); tick labels are centred
     * on their tick except at the ends, where they are anchored inwards, so every text stays inside the SVG.
     */
    private String timeline() {
        record Bar(String label, Instant start, Instant end, String css, List<CommandTiming> commands) {}
        List<Bar> bars = new ArrayList<>();
        for (PhaseResult r : phases) {
            if (!r.stages().isEmpty()) {
                r.stages().forEach(s -> bars.add(new Bar(barLabel(r.phase(), s.stage()), s.start(), s.end(),
                        r.status() == PhaseResult.Status.FAILED ? "failed" : s.cached() ? "cached" : "built", commandsOf(r.phase(), s.stage()))));
            } else if (r.start() != null) {
                bars.add(new Bar(barLabel(r.phase(), null), r.start(), r.end(), r.status().label(), commandsOf(r.phase(), null)));
            }
        }
        if (bars.isEmpty()) {
            return "<p>No stage ran in this build.</p>";
        }
        double total = Math.max(0.001, seconds(Duration.between(started, ended)));
        int longest = bars.stream().mapToInt(bar -> fitted(bar.label()).length()).max().orElse(0);
        // the labels, a 12px gap, then the bars; at least room for a phase id
        int axisStart = (int) Math.ceil(Math.max(90, longest * LABEL_CHAR_WIDTH + 12));
        int axisEnd = axisStart + AXIS_WIDTH;
        int svgWidth = axisEnd + RIGHT_MARGIN;
        int barsHeight = bars.size() * ROW_HEIGHT;
        int height = barsHeight + 30;
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(svgWidth)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"build timeline\">\n");
        for (double t : ticks(total)) {
            double x = axisStart + AXIS_WIDTH * t / total;
            // a centred label would stick out past either end of the axis
            String anchor = x - axisStart < 20 ? "start" : axisEnd - x < 20 ? "end" : "middle";
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>",
                            x, x, barsHeight + 4))
                    .append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
                            x, height - 8, anchor, tickLabel(t)));
        }
        svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n",
                axisStart, barsHeight + 4, axisEnd, barsHeight + 4));
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            // clamped to the axis: a stage timed a little outside the build's span stays on the chart
            double from = Math.min(total, Math.max(0, seconds(Duration.between(started, bar.start()))));
            double to = Math.min(total, Math.max(from, seconds(Duration.between(started, bar.end()))));
            double w = Math.max(1.5, AXIS_WIDTH * (to - from) / total);
            double x0 = Math.min(axisStart + AXIS_WIDTH * from / total, axisEnd - w);
            int y = i * ROW_HEIGHT + 2;
            svg.append("<g><title>").append(esc(bar.label())).append(String.format(Locale.ROOT, ": %s, %.2f s", bar.css(),
                            seconds(Duration.between(bar.start(), bar.end())))).append("</title>")
                    .append(String.format(Locale.ROOT, "<text class=\"bar-label\" x=\"0\" y=\"%d\">%s</text>", y + 12,
                            esc(fitted(bar.label()))))
                    .append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/></g>\n",
                            bar.css(), x0, y, w, ROW_HEIGHT - 4));
            for (CommandTiming c : bar.commands()) {
                svg.append(commandSegment(c, x0, x0 + w, total, axisStart, y));
            }
        }
        return svg.append("</svg>").toString();
    }

    /**
     * One command inside its stage's bar ({@code barStart} to {@code barEnd} in pixels): an outlined segment from
     * when it started to when its timing line arrived, with its time written in it when there is room.
     */
    private String commandSegment(CommandTiming c, double barStart, double barEnd, double total, int axisStart, int y) {
        double from = Math.max(barStart, axisStart + AXIS_WIDTH * seconds(Duration.between(started, c.start())) / total);
        double to = Math.min(barEnd, axisStart + AXIS_WIDTH * seconds(Duration.between(started, c.end())) / total);
        if (to - from < 1) {
            return ""; // too short to see; its time is in report.json
        }
        String time = String.format(Locale.ROOT, "%.1f s", seconds(c.took()));
        StringBuilder g = new StringBuilder("<g><title>").append(esc(c.label())).append(": ").append(time).append("</title>")
                .append(String.format(Locale.ROOT, "<rect class=\"command\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>",
                        from, y, to - from, ROW_HEIGHT - 4));
        String text = "#" + c.command() + " " + time;
        if (to - from >= text.length() * 6 + 6) {
            g.append(String.format(Locale.ROOT, "<text class=\"command-time\" x=\"%.1f\" y=\"%d\">%s</text>", from + 3, y + 11, esc(text)));
        }
        return g.append("</g>\n").toString();
    }

    /** {@code 5s}, or {@code 2.5s} below a round second. */
    private static String tickLabel(double seconds) {
        double rounded = Math.round(seconds * 10) / 10.0;
        return rounded == Math.rint(rounded) ? String.format(Locale.ROOT, "%.0fs", rounded) : String.format(Locale.ROOT, "%.1fs", rounded);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
