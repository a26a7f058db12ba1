package dev.habitat.core.plan;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * A timing line of the script runner ({@link GeneratedFiles#RUNNER_TOOK}), read in one place for the report, the
 * log and the failure report.
 *
 * @param script  the script's name in the config ({@code scripts[1]}, {@code tests})
 * @param command its command's number in the script, from 1
 */
public record RunnerTiming(String script, int command, Duration took) {
    /** The timing a line of step output carries, if it is the runner's timing line. */
    public static Optional<RunnerTiming> of(String line) {
        Matcher m = GeneratedFiles.RUNNER_TOOK.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new RunnerTiming(m.group(1), Integer.parseInt(m.group(2)),
                Duration.ofMillis(Math.round(Double.parseDouble(m.group(3)) * 1000))));
    }

    /** {@code 12.345}, as the runner wrote it. */
    public String seconds() {
        return String.format(Locale.ROOT, "%d.%03d", took.toMillis() / 1000, took.toMillis() % 1000);
    }
}
