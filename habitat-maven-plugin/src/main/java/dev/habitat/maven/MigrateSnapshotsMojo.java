package dev.habitat.maven;

import dev.habitat.core.builder.BuildKitMethod;
import dev.habitat.core.builder.BuildLock;
import dev.habitat.core.builder.BuildOptions;
import dev.habitat.core.builder.HabitatBuilder;
import dev.habitat.core.builder.Secrets;
import dev.habitat.core.builder.SharedSnapshots;
import dev.habitat.core.builder.Sharing;
import dev.habitat.core.builder.SnapshotMigration;
import dev.habitat.core.engine.DockerEngine;
import dev.habitat.core.plan.PlannedHabitat;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryApi;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import java.io.File;
import java.time.Duration;
import java.util.Set;

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
        if (!Set.of("report", "adopt", "rebuild", "remove").contains(mode)) {
            throw new MojoFailureException("habitat.migrate.mode must be report, adopt, rebuild or remove, not '" + mode + "'");
        }
        if (!format.equals("text") && !format.equals("json")) {
            throw new MojoFailureException("habitat.format must be text or json, not '" + format + "'");
        }
        Secrets secretValues = resolveSecrets(habitat.config());
        MavenBuildProgress progress = new MavenBuildProgress(getLog(), verbose);
        String name = habitat.config().name();
        String repository = habitat.config().imageRepository();
        try (DockerEngine engine = engine()) {
            progress.info("habitat: engine " + engine.ping() + " at " + engine.address());
            HabitatBuilder builder = new HabitatBuilder(engine, new BuildKitMethod(engine), progress);
            SnapshotMigration migration = new SnapshotMigration(engine);
            var hashes = builder.currentHashes(habitat.graph(), outputDirectory.toPath(), secretValues);
            var report = migration.report(name, repository, hashes);
            switch (mode) {
                case "adopt" -> {
                    try (var lock = BuildLock.acquire(HabitatBuilder.lockDirectory(), name, Duration.ofHours(2), progress)) {
                        var adopted = migration.adopt(report, outputDirectory.toPath(), progress);
                        progress.info("habitat: adopted " + adopted.size() + " docker-exec snapshot(s); original-tool snapshots are never adopted");
                    }
                }
                case "remove" -> {
                    try (var lock = BuildLock.acquire(HabitatBuilder.lockDirectory(), name, Duration.ofHours(2), progress)) {
                        migration.remove(report, e -> true, progress);
                    }
                }
                case "rebuild" -> {
                    builder.build(habitat.graph(), new BuildOptions(null, null, true, networkOrNull(), outputDirectory.toPath(),
                            secretValues, Sharing.none()));
                    var after = migration.report(name, repository, hashes);
                    migration.remove(after, e -> e.maker() == SnapshotMigration.Maker.ORIGINAL || e.phase() == null, progress);
                }
                default -> { }
            }
            var result = mode.equals("report") ? report : migration.report(name, repository, hashes);
            ImageReference registryRef = registryOf(habitat.config().registry());
            if (registryRef != null) {
                var auths = registryCredentials(Set.of(registryRef.host()));
                var shared = new SharedSnapshots(engine, registryRef, repository, hashes, engine.platform(), auths::get, progress);
                result = result.withRegistry(shared.list(new RegistryApi()));
            }
            String text = format.equals("json") ? result.json() : result.text();
            emit(text, output, "json".equals(format));
        }
    }
}
