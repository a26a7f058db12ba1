package dev.habitat.maven;

import dev.habitat.core.Phase;
import dev.habitat.core.builder.BuildProgress;
import dev.habitat.core.builder.PhaseResult;
import dev.habitat.core.plan.GeneratedFiles;
import java.util.regex.Matcher;
import org.apache.maven.plugin.logging.Log;

/**
 * Build progress as Maven log lines: a line per phase start and end, a line per command that took long, step output
 * indented when verbose.
 */
final class MavenBuildProgress implements BuildProgress {
    private final Log log;
    private final boolean verbose;

    MavenBuildProgress(Log log, boolean verbose) {
        this.log = log;
        this.verbose = verbose;
    }

    @Override
    public void info(String message) {
        log.info(message);
    }

    @Override
    public void warn(String message) {
        log.warn(message);
    }

    @Override
    public void phaseStarted(Phase phase) {
        log.info("habitat: [" + phase.tagSuffix() + "] started");
    }

    @Override
    public void phaseFinished(PhaseResult r) {
        String line = "habitat: [" + r.phase().tagSuffix() + "] " + r.status().label() + " in "
                + String.format("%.1fs", r.duration().toMillis() / 1000.0)
                + (r.snapshot() != null && r.status() != PhaseResult.Status.FAILED ? " -> " + r.snapshot() : "");
        // a failed phase is a progress line too: the failure itself is printed once, by Maven, as the goal's error
        log.info(line);
    }

    @Override
    public void debug(String message) {
        log.debug(message);
    }

    /** A command that ran this long gets a line of its own even when step output is not shown: it is where the time went. */
    static final double LONG_COMMAND_SECONDS = 10;

    @Override
    public void output(Phase phase, String stage, String line) {
        String text = "    " + stage + " | " + line;
        if (verbose) {
            log.info(text);
            return;
        }
        Matcher took = GeneratedFiles.RUNNER_TOOK.matcher(line.strip());
        if (took.matches() && Double.parseDouble(took.group(3)) >= LONG_COMMAND_SECONDS) {
            log.info("habitat: [" + phase.tagSuffix() + "] " + took.group(1) + " command " + took.group(2) + " took "
                    + took.group(3) + " s");
        } else if (log.isDebugEnabled()) {
            log.debug(text);
        }
    }
}
