package dev.habitat.core.method;

import dev.habitat.core.Phase;
import dev.habitat.core.plan.GeneratedFiles;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.RunnerTiming;
import dev.habitat.core.plan.Stage;
import java.util.List;
import java.util.regex.Matcher;

/** Builds the failure report both methods give: phase, hook or stage, the failing command, exit code, output. */
public final class Failures {
    private Failures() {}

    /**
     * @param op      the operation that failed, when known; for a config script the runner's "command N failed"
     *                line picks the command out of it
     * @param command the step as the method ran it, used when {@code op} says nothing better
     */
    public static BuildFailedException report(Phase phase, Stage stage, Operation op, String command, Integer exit,
                                       List<String> lastLines, String engineError) {
        String where = switch (stage.role()) {
            case BEFORE_HOOKS -> "before: " + phase.phaseName() + " hook, stage " + stage.name();
            case AFTER_HOOKS -> "after: " + phase.phaseName() + " hook, stage " + stage.name();
            case CORE, SIDE -> "stage " + stage.name();
        };
        if (op instanceof Operation.RunScript rs) {
            where += ", " + rs.summary();
            if (rs.timeout() != null && exit != null && (exit == 124 || exit == 137)) {
                where += ", timed out after " + rs.timeout().toSeconds() + "s (the config's timeout for " + phase.phaseName() + ")";
            }
            command = String.join("\n", rs.commands());
            for (String line : lastLines) {
                Matcher rm = GeneratedFiles.RUNNER_FAILED.matcher(line);
                if (rm.find()) {
                    int n = Integer.parseInt(rm.group(1));
                    if (n >= 1 && n <= rs.commands().size()) {
                        command = rs.commands().get(n - 1);
                    }
                }
            }
        }
        // the runner's timing lines are for the report; the failure shows the commands' own output
        List<String> output = lastLines.stream().filter(l -> RunnerTiming.of(l).isEmpty()).toList();
        return new BuildFailedException(phase, stage.name(), where, command, exit, output, engineError);
    }
}
