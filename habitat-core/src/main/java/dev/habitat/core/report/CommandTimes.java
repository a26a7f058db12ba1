package dev.habitat.core.report;

import dev.habitat.core.Phase;
import dev.habitat.core.plan.RunnerTiming;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes progress on and keeps the script runner's timing lines ({@link RunnerTiming}) as
 * {@link CommandTiming}s for the report. Both build methods send step output through here, so the times come
 * from one place whichever method ran the step.
 */
public final class CommandTimes extends ForwardingProgress {
    private final Clock clock;
    private final List<CommandTiming> timings = new ArrayList<>();

    public CommandTimes(BuildProgress target, Clock clock) {
        super(target);
        this.clock = clock;
    }

    /** The timings seen so far, in the order their lines arrived. */
    public synchronized List<CommandTiming> timings() {
        return List.copyOf(timings);
    }

    @Override
    public void output(Phase phase, String stage, String line) {
        RunnerTiming.of(line).ifPresent(t -> {
            synchronized (this) {
                timings.add(new CommandTiming(phase, stage, t.script(), t.command(), clock.instant(), t.took()));
            }
        });
        target.output(phase, stage, line);
    }
}
