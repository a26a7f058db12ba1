package dev.habitat.core;

import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.PhaseResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A build's progress as lines, for tests: {@code info ...}, {@code warn ...}, {@code started 6-files}, {@code output 6-files <stage> <line>}. */
public final class RecordingProgress implements BuildProgress {
    public final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void info(String message) {
        lines.add("info " + message);
    }

    @Override
    public void warn(String message) {
        lines.add("warn " + message);
    }

    @Override
    public void debug(String message) {
        lines.add("debug " + message);
    }

    @Override
    public void phaseStarted(Phase phase) {
        lines.add("started " + phase.tagSuffix());
    }

    @Override
    public void phaseFinished(PhaseResult result) {
        lines.add("finished " + result.phase().tagSuffix());
    }

    @Override
    public void output(Phase phase, String stage, String line) {
        lines.add("output " + phase.tagSuffix() + " " + stage + " " + line);
    }
}
