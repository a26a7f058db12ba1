package dev.habitat.core.method;

import dev.habitat.core.HabitatException;
import dev.habitat.core.Phase;
import dev.habitat.core.report.PhaseResult;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A build step failed: which phase and hook, the command, its exit code, and the last lines of its
 * output. Snapshots of earlier phases stay valid; the next build resumes from them.
 */
public final class BuildFailedException extends HabitatException {
    private final Phase phase;
    private final String stage;
    private final String command;
    private final Integer exitCode;
    private final List<String> lastLines;
    private final String where;
    private final String engineError;
    private final String wayOut;
    private final PhaseResult recorded;

    public BuildFailedException(Phase phase, String stage, String where, String command, Integer exitCode,
                                List<String> lastLines, String engineError) {
        this(phase, stage, where, command, exitCode, lastLines, engineError, null, null);
    }

    private BuildFailedException(Phase phase, String stage, String where, String command, Integer exitCode,
                                 List<String> lastLines, String engineError, String wayOut, PhaseResult recorded) {
        super(Kind.HABITAT, message(phase, stage, where, command, exitCode, lastLines, engineError)
                + (wayOut == null ? "" : "\n  way out: " + wayOut));
        this.phase = phase;
        this.stage = stage;
        this.command = command;
        this.exitCode = exitCode;
        this.lastLines = List.copyOf(lastLines);
        this.where = where;
        this.engineError = engineError;
        this.wayOut = wayOut;
        this.recorded = recorded;
    }

    /**
     * The same failure with the failed phase as the method recorded it (its real duration, and the stages it ran):
     * the method tells the progress once, and the report takes this record instead of making another.
     */
    public BuildFailedException recordedAs(PhaseResult failed) {
        BuildFailedException r = new BuildFailedException(phase, stage, where, command, exitCode, lastLines, engineError, wayOut, failed);
        r.setStackTrace(getStackTrace());
        return r;
    }

    /** The failed phase as the method recorded it and told the progress; empty when the method recorded none. */
    public Optional<PhaseResult> recorded() {
        return Optional.ofNullable(recorded);
    }

    /** The same failure with the way out of an engine difference (see EngineHints) added to its message. */
    public BuildFailedException withWayOut(String hint) {
        BuildFailedException h = new BuildFailedException(phase, stage, where, command, exitCode, lastLines, engineError, hint, recorded);
        h.setStackTrace(getStackTrace());
        return h;
    }

    /** The same failure with {@code mask} applied to every text a step or the engine produced. */
    public BuildFailedException masked(UnaryOperator<String> mask) {
        BuildFailedException m = new BuildFailedException(phase, stage, mask.apply(where), mask.apply(command), exitCode,
                lastLines.stream().map(mask).toList(), mask.apply(engineError), wayOut, recorded);
        m.setStackTrace(getStackTrace());
        return m;
    }

    private static String message(Phase phase, String stage, String where, String command, Integer exitCode,
                                  List<String> lastLines, String engineError) {
        StringBuilder b = new StringBuilder("habitat: phase ")
                .append(phase == null ? "?" : phase.tagSuffix());
        if (where != null) {
            b.append(" (").append(where).append(')');
        }
        b.append(" failed");
        if (exitCode != null) {
            b.append(" with exit code ").append(exitCode);
        }
        if (command != null) {
            b.append("\n  command: ").append(command.strip().replace("\n", "\n           "));
        }
        if (!lastLines.isEmpty()) {
            b.append("\n  last output:");
            lastLines.forEach(l -> b.append("\n    ").append(l));
        }
        if (engineError != null && (exitCode == null || lastLines.isEmpty())) {
            b.append("\n  engine: ").append(engineError.strip());
        }
        return b.toString();
    }

    public Phase phase() {
        return phase;
    }

    public String stage() {
        return stage;
    }

    public String command() {
        return command;
    }

    public Integer exitCode() {
        return exitCode;
    }

    public List<String> lastLines() {
        return lastLines;
    }
}
