package dev.habitat.core.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.plan.PlannedHabitat;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildArgDockerfileTest {
    @TempDir
    Path dir;

    private BuildArgDockerfile.Result render(String config) {
        Fixture f = new Fixture(dir).write("habitat/files/app.conf", "x").write("habitat/tests/t.sh", "true").write("habitat/config.yaml", config);
        PlannedHabitat h = f.plan();
        return new BuildArgDockerfile().render(h.graph(), h.hashes(),
                PlannedHabitat.replanning(f.loader(), dir, Path.of("habitat/config.yaml"), Map.of()));
    }

    private static final String USES_USER = """
            name: demo
            base_image: debian:bookworm
            env:
              - USER=dev
              - WORKDIR=/workspace
              - TOOLS_HOME=/home/${USER}/tools
            files:
              - {src: files/app.conf, dest: "${TOOLS_HOME}/app.conf", owner: "${USER}"}
            scripts:
              - run_as: ${USER}
                commands: [echo hi]
            """;

    /** The lines of the stage {@code name}, from its FROM line to the blank line that ends it. */
    private static List<String> stage(String dockerfile, String name) {
        String from = dockerfile.substring(dockerfile.indexOf(" AS " + name + "\n"));
        return from.substring(0, from.indexOf("\n\n")).lines().toList();
    }

    @Test
    void theEnvBecomesBuildArgsWithDerivedDefaultsAndEachUseReadsThem() {
        BuildArgDockerfile.Result r = render(USES_USER);
        String df = r.dockerfile();
        assertEquals(List.of("USER", "WORKDIR", "TOOLS_HOME"), r.buildArgs());
        assertTrue(df.contains("\nARG USER=\"dev\"\nARG WORKDIR=\"/workspace\"\nARG TOOLS_HOME=\"/home/${USER}/tools\"\n"), df);
        assertTrue(df.indexOf("ARG USER=\"dev\"") < df.indexOf("\nFROM "), "global ARGs come before the first FROM");
        // before the ENV instruction a stage reads the ARG; the ENV's own values do too
        assertTrue(stage(df, "users").contains("ARG USER"), df);
        assertTrue(stage(df, "users").stream().anyMatch(l -> l.startsWith("RUN id -u \"${USER}\" ") && l.contains("--home-dir '/home/'\"${USER}\" ")), df);
        List<String> env = stage(df, "env");
        assertTrue(env.containsAll(List.of("ARG USER", "ARG WORKDIR", "ARG TOOLS_HOME", "ENV USER=\"${USER}\" \\",
                "    WORKDIR=\"${WORKDIR}\" \\", "    TOOLS_HOME=\"${TOOLS_HOME}\" \\")), String.join("\n", env));
        // after it, the image ENV carries the value: no ARG there
        List<String> workdir = stage(df, "workdir");
        assertFalse(workdir.stream().anyMatch(l -> l.startsWith("ARG ")), String.join("\n", workdir));
        assertTrue(workdir.contains("RUN mkdir -p \"${WORKDIR}\" && chown \"${USER}\"':' \"${WORKDIR}\""), String.join("\n", workdir));
        assertTrue(workdir.contains("WORKDIR ${WORKDIR}"));
        assertTrue(stage(df, "files").contains("COPY --chown=${USER}:${USER} [\"files/0/app.conf\", \"${TOOLS_HOME}/app.conf\"]"), df);
        assertTrue(stage(df, "scripts").contains("USER ${USER}"));
        assertTrue(stage(df, "final").contains("USER ${USER}") && stage(df, "final").contains("WORKDIR ${WORKDIR}"));
        assertTrue(df.contains("# create user dev\n"), "comments keep the config's values");
        assertTrue(df.contains("habitat.hash.final="), "the labels stay");
        assertTrue(r.notBuildArgs().isEmpty(), r.notBuildArgs().toString());
    }

    @Test
    void aVariableIsNoBuildArgWhenABuildArgCouldNotChangeItEverywhere() {
        BuildArgDockerfile.Result r = render("""
                name: demo
                base_image: debian:bookworm
                env:
                  - USER=dev
                  - WORKDIR=/workspace
                  - CHECKED=/opt/checked
                  - QUOTED=it's "quoted"
                  - TOOL=tool
                  - PATH=${PATH}:/opt/bin
                files:
                  - {src: files/app.conf, dest: ~/app.conf, owner: dev}
                scripts:
                  - run_as: dev
                    commands: [echo hi]
                verify-fs:
                  required_files: ["${CHECKED}/a", "${CHECKED}/b", "${CHECKED}/c", "${CHECKED}/d", "${CHECKED}/e", "${CHECKED}/f"]
                entry:
                  command: run ${TOOL}
                """);
        Map<String, String> why = new LinkedHashMap<>(r.notBuildArgs());
        assertTrue(why.get("USER").startsWith("another value changes the Dockerfile's steps"), "owner: dev is literal: " + why);
        assertTrue(why.get("CHECKED").startsWith("its value is written into a file of the build context"), why.toString());
        assertTrue(why.get("QUOTED").startsWith("its value is quoted, escaped or changed"), why.toString());
        assertEquals("its value reaches CMD, which cannot read a build arg there", why.get("TOOL"));
        assertFalse(why.containsKey("PATH") || r.buildArgs().contains("PATH"), "PATH extends the base image's and is left alone");
        assertEquals(List.of("WORKDIR"), r.buildArgs());
        String df = r.dockerfile();
        assertTrue(df.contains("# not a build arg: TOOL (its value reaches CMD, which cannot read a build arg there)\n"), df);
        assertTrue(df.contains("CMD [\"/bin/bash\", \"-c\", \"run tool\"]"), df);
        assertTrue(df.contains("RUN id -u 'dev' "), "a variable that is no build arg keeps its value");
    }

    @Test
    void aRunWordGetsTheExpansionThatGivesTheSameWord() {
        Map<String, String> p = Map.of("USER", "PLU", "DIR", "/PLD");
        assertEquals("chown \"${USER}\" \"${DIR}\"/x", BuildArgDockerfile.inRunCommand("chown PLU /PLD/x", p), "unquoted");
        assertEquals("echo \"home ${DIR} of ${USER}\"", BuildArgDockerfile.inRunCommand("echo \"home /PLD of PLU\"", p), "double quotes");
        assertEquals("useradd \"${USER}\" -d '/home/'\"${USER}\"", BuildArgDockerfile.inRunCommand("useradd 'PLU' -d '/home/PLU'", p),
                "single quotes close around it, without an empty '' left over");
        assertEquals("chown \"${USER}\"':'\"${USER}\" x", BuildArgDockerfile.inRunCommand("chown 'PLU:PLU' x", p));
        assertEquals("x 'a'\"${USER}\"\"${DIR}\"'b'", BuildArgDockerfile.inRunCommand("x 'aPLU/PLDb'", p), "adjacent placeholders");
        assertEquals("run -- 'cd '\\'\"${DIR}\"\\'' && t'", BuildArgDockerfile.inRunCommand("run -- 'cd '\\''/PLD'\\'' && t'", p),
                "a quoted word inside a quoted argument");
        assertEquals("echo \\'\"${USER}\" \\\"\"${USER}\"\\\"", BuildArgDockerfile.inRunCommand("echo \\'PLU \\\"PLU\\\"", p),
                "escaped quotes open nothing");
    }
}
