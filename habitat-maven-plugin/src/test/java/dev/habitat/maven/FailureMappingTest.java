package dev.habitat.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.habitat.core.HabitatException;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.EngineUnavailableException;
import dev.habitat.core.method.BuildFailedException;
import dev.habitat.core.snapshot.SharedSnapshots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.maven.plugin.AbstractMojoExecutionException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/** One place turns the core's failures into Maven's: the habitat's own fail the build, the surroundings' are errors. */
class FailureMappingTest {
    @Test
    void whatTheHabitatMustChangeFailsTheBuild() {
        BuildFailedException step = new BuildFailedException(Phase.SCRIPTS, "scripts", "scripts[0]", "exit 3", 3, List.of("boom"), null);
        AbstractMojoExecutionException m = AbstractHabitatMojo.toMaven(step);
        assertInstanceOf(MojoFailureException.class, m);
        assertEquals(step.getMessage(), m.getMessage(), "the core's message, once, its prefix not doubled");
        assertSame(step, m.getCause());
        assertInstanceOf(MojoFailureException.class, AbstractHabitatMojo.toMaven(HabitatException.ofHabitat("repository x has no branch 'y'")));
        assertInstanceOf(MojoFailureException.class, AbstractHabitatMojo.toMaven(new IllegalArgumentException("the image 'A' is not valid")));
    }

    @Test
    void whatTheSurroundingsMustChangeOrADefectIsAnError() {
        assertInstanceOf(MojoExecutionException.class, AbstractHabitatMojo.toMaven(new EngineUnavailableException("No Docker engine answers", null)));
        assertInstanceOf(MojoExecutionException.class, AbstractHabitatMojo.toMaven(new SharedSnapshots.RegistryException("habitat: the registry said no")));
        AbstractMojoExecutionException io = AbstractHabitatMojo.toMaven(new UncheckedIOException("cannot stage the context", new IOException("disk full")));
        assertInstanceOf(MojoExecutionException.class, io);
        assertEquals("habitat: cannot stage the context", io.getMessage());
        assertInstanceOf(MojoExecutionException.class, AbstractHabitatMojo.toMaven(new IllegalStateException("no rendering for x")));
    }
}
