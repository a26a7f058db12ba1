package dev.habitat.maven;

import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.PhaseListing;
import dev.habitat.core.plan.PlannedHabitat;
import java.io.File;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Prints each phase (id, name, stages and hooks, what it does, its hash) without needing a Docker engine; one set of
 * hashes per platform the habitat lists (none listed: this machine's, which is the local engine's own).
 */
@Mojo(name = "show-phases", threadSafe = true, requiresProject = false)
public class ShowPhasesMojo extends AbstractHabitatMojo {

    /** {@code text} or {@code json}. */
    @Parameter(property = "habitat.format", defaultValue = "text")
    private String format;

    /** Also write the listing to this file (handy for JSON). */
    @Parameter(property = "habitat.output")
    private File output;

    @Override
    protected void run(PlannedHabitat habitat) throws MojoExecutionException, MojoFailureException {
        String listing = switch (format) {
            case "text" -> PhaseListing.text(habitat.perPlatform(outputDirectory.toPath(), ExternalInputs.none()));
            case "json" -> PhaseListing.json(habitat.perPlatform(outputDirectory.toPath(), ExternalInputs.none()));
            default -> throw new MojoFailureException("habitat.format must be text or json, not '" + format + "'");
        };
        emit(listing, output, "json".equals(format));
    }
}
