package dev.habitat.core.report;

import static dev.habitat.core.report.BuildReport.esc;
import static dev.habitat.core.report.BuildReport.seconds;

import dev.habitat.core.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The build drawn as an inline SVG for {@code report.html}: one bar per stage that ran (per phase when a phase has no
 * stage timings), the timed commands of a script inside its bar, on one time axis from the build's start to its end.
 */
record Timeline(List<PhaseResult> phases, List<CommandTiming> commands, Instant started, Instant ended) {
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
    String svg() {
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


    private List<CommandTiming> commandsOf(Phase phase, String stage) {
        return CommandTiming.of(commands, phase, stage);
    }
}
