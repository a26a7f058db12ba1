package dev.habitat.core.build;

import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.report.BuildReport;
import dev.habitat.core.report.PhaseResult;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes report.json and report.html and says where; a report that cannot be written only warns. */
final class WriteReportStep {
    private final BuildRun run;

    WriteReportStep(BuildRun run) {
        this.run = run;
    }

    /** The report of {@code outcome}; {@code failure} is the message the user gets (masked), or null. */
    void call(StepsOutcome outcome, String failure) {
        HabitatConfig config = run.config();
        // each listed platform's phases have a report of their own, titled with the platform
        String habitat = config.name() + (config.platform() == null ? "" : " for " + config.platform());
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (PhaseResult r : outcome.results()) {
            if (r.snapshot() != null) {
                run.engine().inspectImage(r.snapshot()).ifPresent(i -> sizes.put(r.snapshot(), i.size()));
            }
        }
        try {
            Path html = new BuildReport(habitat, run.method().name(), run.t0(), Instant.now(), outcome.upToDate(), outcome.results(),
                    outcome.commands(), sizes, failure, outcome.context()).write(run.outDir());
            run.progress().info("habitat: report " + html.toUri());
        } catch (UncheckedIOException e) {
            run.progress().warn(e.getMessage());
        }
    }
}
