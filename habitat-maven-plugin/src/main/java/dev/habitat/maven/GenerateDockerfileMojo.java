package dev.habitat.maven;

import dev.habitat.core.plan.PlannedHabitat;
import dev.habitat.core.render.BuildArgDockerfile;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.render.ContextStager;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Writes {@code target/habitat/<name>/Dockerfile} and the staged build context beside it, usable with a
 * standard CLI: {@code DOCKER_BUILDKIT=1 docker build --target <phase> target/habitat/<name>}.
 */
@Mojo(name = "generate-dockerfile", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true, requiresProject = false)
public class GenerateDockerfileMojo extends AbstractHabitatMojo {

    @Override
    protected void run(PlannedHabitat habitat) throws MojoExecutionException {
        long started = System.nanoTime();
        BuildArgDockerfile.Result dockerfile = new BuildArgDockerfile().render(habitat.graph(), habitat.hashes(), replanning());
        getLog().debug("habitat: build args found in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        BuildContext ctx = new ContextStager().stage(habitat.graph(), dockerfile.dockerfile(), habitatOutput(habitat),
                outputDirectory.toPath());
        getLog().info("habitat: wrote " + ctx.dockerfile() + " (" + habitat.graph().stages().size()
                + " stages) and its build context");
        getLog().info("habitat: build args (docker build --build-arg NAME=value): "
                + (dockerfile.buildArgs().isEmpty() ? "none" : String.join(", ", dockerfile.buildArgs())));
        dockerfile.notBuildArgs().forEach((name, why) -> getLog().debug("habitat: " + name + " is not a build arg: " + why));
        getLog().info("habitat: build a phase with: DOCKER_BUILDKIT=1 docker build --target <phase> " + ctx.directory());
    }
}
