package dev.habitat.maven;

import dev.habitat.core.Phase;
import dev.habitat.core.build.BuildFailedException;
import dev.habitat.core.build.BuildMethod;
import dev.habitat.core.build.BuildMethods;
import dev.habitat.core.build.HabitatBuilder;
import dev.habitat.core.build.BuildOptions;
import dev.habitat.core.build.BuildSummary;
import dev.habitat.core.engine.DockerEngine;
import dev.habitat.core.engine.EngineUnavailableException;
import dev.habitat.core.plan.PlannedHabitat;
import java.io.UncheckedIOException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the habitat into snapshot images {@code habitat-<name>:<id>-<phase>} with the engine's BuildKit,
 * through the Docker Engine API. Unchanged habitats are not sent to the engine at all.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildMojo extends AbstractEngineMojo {

    /** Build up to this phase (id, name or tag suffix such as {@code 6-files}). */
    @Parameter(property = "habitat.target", defaultValue = "final")
    private String target;

    /** Rebuild this phase and every later one, even when they are cached. */
    @Parameter(property = "habitat.rebuildFrom")
    private String rebuildFrom;

    /** Rebuild every phase, ignoring snapshots and the BuildKit cache. */
    @Parameter(property = "habitat.rebuild", defaultValue = "false")
    private boolean rebuild;

    /**
     * {@code auto} (default: BuildKit where the engine has it, else docker-exec), {@code buildkit} or
     * {@code docker-exec} (exec/commit); overrides the config's {@code build_method}.
     */
    @Parameter(property = "habitat.buildMethod")
    private String buildMethod;

    @Override
    protected void run(PlannedHabitat habitat) throws MojoExecutionException, MojoFailureException {
        BuildOptions options;
        try {
            options = new BuildOptions(Phase.require(target, "target"),
                    rebuildFrom == null || rebuildFrom.isBlank() ? null : Phase.require(rebuildFrom, "rebuildFrom"),
                    rebuild, networkOrNull(), verbose, outputDirectory.toPath(), resolveSecrets(habitat.config()));
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage());
        }
        String methodName = buildMethod != null && !buildMethod.isBlank() ? buildMethod : habitat.config().buildMethod();
        if (methodName != null && !BuildMethods.NAMES.contains(methodName.trim())) {
            throw new MojoFailureException("habitat.buildMethod must be one of " + String.join(", ", BuildMethods.NAMES)
                    + ", not '" + methodName + "'");
        }
        try (DockerEngine engine = engine()) {
            MavenBuildProgress progress = new MavenBuildProgress(getLog(), verbose);
            BuildMethod method = BuildMethods.choose(methodName, engine, progress);
            BuildSummary summary = new HabitatBuilder(engine, method, progress).build(habitat.graph(), options);
            getLog().info("habitat: summary of " + summary.habitat());
            summary.table().lines().forEach(l -> getLog().info("  " + l));
            if (summary.finalImage() != null) {
                getLog().info("habitat: image " + summary.finalImage());
            }
        } catch (EngineUnavailableException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (BuildFailedException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IllegalStateException | UncheckedIOException e) {
            throw new MojoExecutionException(prefixed(e.getMessage()), e);
        }
    }
}
