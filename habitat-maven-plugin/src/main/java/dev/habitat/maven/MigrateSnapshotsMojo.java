package dev.habitat.maven;

import dev.habitat.core.Phase;
import dev.habitat.core.Spelling;
import dev.habitat.core.build.BuildOptions;
import dev.habitat.core.build.SnapshotMigration;
import dev.habitat.core.engine.docker.DockerEngine;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.PlannedHabitat;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryApi;
import dev.habitat.core.secrets.Secrets;
import dev.habitat.core.snapshot.RegistryListing;
import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Sharing;
import java.io.File;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Moves a habitat's existing snapshots to the BuildKit method: {@code report} them (who made them, whether
 * they match the current config, what each mode would do), {@code adopt} valid docker-exec snapshots,
 * {@code rebuild} with BuildKit replacing the old ones, or {@code remove} them.
 */
@Mojo(name = "migrate-snapshots", threadSafe = true, requiresProject = false)
public class MigrateSnapshotsMojo extends AbstractEngineMojo {

    /** {@code report}, {@code adopt}, {@code rebuild} or {@code remove}. */
    @Parameter(property = "habitat.migrate.mode", defaultValue = "report")
    private String mode;

    /** {@code text} or {@code json} for the report. */
    @Parameter(property = "habitat.format", defaultValue = "text")
    private String format;

    /** Also write the report (after the mode ran) to this file. */
    @Parameter(property = "habitat.output")
    private File output;

    @Override
    protected void run(PlannedHabitat habitat) throws MojoExecutionException, MojoFailureException {
        SnapshotMigration.Mode migrateMode = SnapshotMigration.Mode.of(mode).orElseThrow(() -> new MojoFailureException(
                "habitat.migrate.mode must be " + Spelling.choices(SnapshotMigration.Mode.ids())
                        + ", not '" + mode + "'"));
        if (!format.equals("text") && !format.equals("json")) {
            throw new MojoFailureException("habitat.format must be text or json, not '" + format + "'");
        }
        Secrets secretValues = resolveSecrets(habitat.config());
        MavenBuildProgress progress = new MavenBuildProgress(getLog(), verbose);
        try (DockerEngine engine = engine()) {
            progress.info("habitat: engine " + engine.ping() + " at " + engine.address());
            ImageReference registryRef = registryOf(habitat.config().registry());
            Function<Map<Phase, PhaseHash>, RegistryListing> registry = null;
            if (registryRef != null) {
                var auths = registryCredentials(Set.of(registryRef.host()));
                registry = hashes -> new SharedSnapshots(engine, registryRef, habitat.config().imageRepository(), hashes, engine.platform(), auths::get, progress)
                        .list(new RegistryApi());
            }
            var result = new SnapshotMigration(engine).migrate(migrateMode, habitat.graph(), new BuildOptions(null, null, true,
                    networkOrNull(), outputDirectory.toPath(), secretValues, Sharing.none()), registry, progress);
            String text = format.equals("json") ? result.json() : result.text();
            emit(text, output, "json".equals(format));
        }
    }
}
