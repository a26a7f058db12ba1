package dev.habitat.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import org.junit.jupiter.api.Test;

/** Where output goes when habitat.outputDirectory is not given: with a pom.xml as before, without one under the working directory. */
class OutputDirectoryTest {
    @Test
    void aPomsBuildDirectoryElseTargetUnderTheWorkingDirectory() {
        File base = new File("/w/checkout");
        assertEquals(new File("/p/build/habitat"), AbstractHabitatMojo.defaultOutput(true, new File("/p/build"), base));
        assertEquals(new File("/w/checkout/target/habitat"), AbstractHabitatMojo.defaultOutput(false, null, base));
        // Maven's stub project (no pom.xml) is not where the user runs: its build directory is not used
        assertEquals(new File("/w/checkout/target/habitat"), AbstractHabitatMojo.defaultOutput(false, new File("/elsewhere/target"), base));
    }
}
