package dev.habitat.maven;

import dev.habitat.core.Phase;
import dev.habitat.core.plan.RunnerTiming;
import dev.habitat.core.plan.StepNotice;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.PhaseResult;
import java.time.Duration;
import java.util.Optional;
import org.apache.maven.plugin.logging.Log;

/**
 * Build progress as Maven log lines: a line per phase start and end, a line per command that took long and per
 * notice of a step ({@link StepNotice}), step output indented when verbose.
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
    static final Duration LONG_COMMAND = Duration.ofSeconds(10);

    @Override
    public void output(Phase phase, String stage, String line) {
        String text = "    " + stage + " | " + line;
        if (verbose) {
            log.info(text);
            return;
        }
        Optional<StepNotice> notice = StepNotice.of(line);
        Optional<RunnerTiming> longCommand = RunnerTiming.of(line).filter(t -> t.took().compareTo(LONG_COMMAND) >= 0);
        if (notice.isPresent()) {
            log.info("habitat: [" + phase.tagSuffix() + "] " + notice.get().text());
        } else if (longCommand.isPresent()) {
            RunnerTiming t = longCommand.get();
            log.info("habitat: [" + phase.tagSuffix() + "] " + t.script() + " command " + t.command() + " took " + t.seconds() + " s");
        } else if (log.isDebugEnabled()) {
            log.debug(text);
        }
    }
}
