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
            List<CommandTiming> own = CommandTiming.of(commands, r.phase(), null);
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
        b.append(new Timeline(phases, commands, started, ended).svg()).append(LEGEND).append("\n<table><tr><th>phase</th><th>status</th><th class=\"num\">seconds</th>")
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

    static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
