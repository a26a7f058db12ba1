package dev.habitat.maven;

import dev.habitat.core.Phase;
import dev.habitat.core.build.BuildFailedException;
import dev.habitat.core.build.BuildKitMethod;
import dev.habitat.core.build.BuildMethod;
import dev.habitat.core.build.ExecMethod;
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
     * {@code buildkit} (default) or {@code docker-exec} (exec/commit, for comparison and as a fallback);
     * overrides the config's {@code build_method}.
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
        String methodName = buildMethod != null && !buildMethod.isBlank() ? buildMethod
                : habitat.config().buildMethod() != null ? habitat.config().buildMethod() : BuildKitMethod.NAME;
        if (!methodName.equals(BuildKitMethod.NAME) && !methodName.equals(ExecMethod.NAME)) {
            throw new MojoFailureException("habitat.buildMethod must be " + BuildKitMethod.NAME + " or " + ExecMethod.NAME
                    + ", not '" + methodName + "'");
        }
        try (DockerEngine engine = DockerEngine.connect(dockerHost)) {
            BuildMethod method = methodName.equals(ExecMethod.NAME) ? new ExecMethod(engine) : new BuildKitMethod(engine);
            BuildSummary summary = new HabitatBuilder(engine, method, new MavenBuildProgress(getLog(), verbose))
                    .build(habitat.graph(), options);
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
            throw new MojoExecutionException("habitat: " + e.getMessage(), e);
        }
    }
}
