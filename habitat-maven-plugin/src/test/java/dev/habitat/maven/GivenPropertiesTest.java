package dev.habitat.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GivenPropertiesTest {
    private static final Set<String> KNOWN = Set.of("habitat.target", "habitat.rebuildFrom", "habitat.buildMethod", "habitat.push",
            "habitat.registry", "habitat.image",
            "habitat.config", "habitat.format", "habitat.migrate.mode", "habitat.skip");
    private final GivenProperties generate = new GivenProperties("generate-dockerfile", Set.of("habitat.config", "habitat.skip"), KNOWN);

    @Test
    void badValuesOfBuildPropertiesFailOnEveryGoal() {
        var f = generate.check(Map.of("habitat.target", "fils", "habitat.buildMethod", "dockerexec"));
        assertEquals(2, f.errors().size(), f.toString());
        assertTrue(f.errors().get(0).startsWith("-Dhabitat.buildMethod=dockerexec: not a build method; use one of auto, buildkit, docker-exec"),
                f.errors().get(0));
        assertTrue(f.errors().get(1).startsWith("Unknown target phase 'fils'. Did you mean 'files'? Valid phases: 1-base"), f.errors().get(1));
    }

    @Test
    void platformsAreCheckedWithTheNearestValidName() {
        assertEquals(null, GivenProperties.errorIn("habitat.platforms", "linux/amd64,linux/arm64"));
        String e = GivenProperties.errorIn("habitat.platforms", "linux/amd64,linux/aarch64");
        assertTrue(e != null && e.startsWith("-Dhabitat.platforms=linux/amd64,linux/aarch64: 'linux/aarch64' is not a platform; "
                + "did you mean 'linux/arm64'?"), e);
    }

    @Test
    void goodValuesTheGoalDoesNotReadAreWarnings() {
        var f = generate.check(Map.of("habitat.target", "6-Files", "habitat.config", "x.yaml", "user.name", "me"));
        assertEquals(List.of(), f.errors());
        assertEquals(List.of("-Dhabitat.target is not used by habitat:generate-dockerfile, ignored"), f.warnings());
    }

    @Test
    void buildArgsAreLeftToTheConfigWhichKnowsItsEnv() {
        var f = generate.check(Map.of("habitat.arg.USER", "alice", "habitat.arg.NOPE", "1"));
        assertEquals(List.of(), f.errors());
        assertEquals(List.of(), f.warnings());
    }

    @Test
    void unknownNamesGetTheNearestKnownOne() {
        var f = generate.check(Map.of("habitat.buildmethod", "auto", "habitat.nothing.like.it", "1"));
        assertEquals(List.of("-Dhabitat.buildmethod is not a habitat property, ignored (did you mean -Dhabitat.buildMethod?)",
                "-Dhabitat.nothing.like.it is not a habitat property, ignored"), f.warnings());
    }

    @Test
    void registryPropertiesAreCheckedBeforeAnyEngineCall() {
        var f = generate.check(Map.of("habitat.push", "yes", "habitat.registry", "127.0.0.1:5000/team:v1", "habitat.image", "127.0.0.1:5000/team/dev:1"));
        assertEquals(2, f.errors().size(), f.toString());
        assertTrue(f.errors().get(0).startsWith("-Dhabitat.push=yes: use true or false"), f.errors().get(0));
        assertTrue(f.errors().get(1).startsWith("-Dhabitat.registry=127.0.0.1:5000/team:v1: the registry repository prefix"), f.errors().get(1));
    }
}
