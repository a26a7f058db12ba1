package dev.habitat.core.build;

import dev.habitat.core.engine.ContextTransfer;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.report.CommandTiming;
import dev.habitat.core.report.PhaseResult;
import java.util.List;

/**
 * What the building steps leave for the report and the push: a result per phase, the timed commands, the context sent
 * (null: none), the newest image made (null: none), whether nothing needed building, and the failed step (null: none).
 */
record StepsOutcome(List<PhaseResult> results, List<CommandTiming> commands, ContextTransfer context, String finalImage,
                    boolean upToDate, BuildFailedException failure) {
    StepsOutcome {
        results = List.copyOf(results);
        commands = List.copyOf(commands);
    }
}
