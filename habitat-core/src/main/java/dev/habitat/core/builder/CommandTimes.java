package dev.habitat.core.builder;

import dev.habitat.core.Phase;
import dev.habitat.core.plan.GeneratedFiles;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Passes progress on and keeps the script runner's timing lines ({@link GeneratedFiles#RUNNER_TOOK}) as
 * {@link CommandTiming}s for the report. Both build methods send step output through here, so the times come
 * from one place whichever method ran the step.
 */
final class CommandTimes extends ForwardingProgress {
    private final Clock clock;
    private final List<CommandTiming> timings = new ArrayList<>();

    CommandTimes(BuildProgress target, Clock clock) {
        super(target);
        this.clock = clock;
    }

    /** The timings seen so far, in the order their lines arrived. */
    synchronized List<CommandTiming> timings() {
        return List.copyOf(timings);
    }

    @Override
    public void output(Phase phase, String stage, String line) {
        Matcher m = GeneratedFiles.RUNNER_TOOK.matcher(line.strip());
        if (m.matches()) {
            Duration took = Duration.ofMillis(Math.round(Double.parseDouble(m.group(3)) * 1000));
            synchronized (this) {
                timings.add(new CommandTiming(phase, stage, m.group(1), Integer.parseInt(m.group(2)), clock.instant(), took));
            }
        }
        target.output(phase, stage, line);
    }
}
