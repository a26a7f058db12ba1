package dev.habitat.maven;

import dev.habitat.core.plan.PhaseListing;
import dev.habitat.core.plan.PlannedHabitat;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Prints each phase (id, name, stages and hooks, what it does, its hash) without needing a Docker engine. */
@Mojo(name = "show-phases", threadSafe = true)
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
            case "text" -> PhaseListing.text(habitat);
            case "json" -> PhaseListing.json(habitat);
            default -> throw new MojoFailureException("habitat.format must be text or json, not '" + format + "'");
        };
        listing.lines().forEach(getLog()::info);
        if (output != null) {
            try {
                Files.createDirectories(output.toPath().toAbsolutePath().getParent());
                Files.writeString(output.toPath(), listing, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new MojoExecutionException("habitat: cannot write " + output + ": " + e.getMessage(), e);
            }
        }
    }
}
