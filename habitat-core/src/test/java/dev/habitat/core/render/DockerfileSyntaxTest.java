package dev.habitat.core.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** docker-exec sets env without a Dockerfile: its expansion must match what ENV does with our rendering. */
class DockerfileSyntaxTest {
    private static final String STD = "/usr/bin:/bin";

    @Test
    void referencesExpandAsEnvWouldAndEverythingElseStaysLiteral() {
        Map<String, String> env = Map.of("HOME", "/root", "EMPTY", "");
        assertEquals("/root/x $HOME `id` \\ \"q\"", DockerfileSyntax.expandEnvValue("${HOME}/x $HOME `id` \\ \"q\"", env, STD));
        assertEquals("a::b", DockerfileSyntax.expandEnvValue("a:${UNSET}:b", env, STD));
        assertEquals("dflt|alt|", DockerfileSyntax.expandEnvValue("${EMPTY:-dflt}|${HOME:+alt}|${EMPTY:+alt}", env, STD));
        assertEquals("/usr/bin:/bin:/opt", DockerfileSyntax.expandEnvValue("${PATH}:/opt", env, STD), "no PATH: the standard one");
        assertEquals("/p:/opt", DockerfileSyntax.expandEnvValue("${PATH}:/opt", Map.of("PATH", "/p"), STD));
        assertEquals("${not a name}", DockerfileSyntax.expandEnvValue("${not a name}", env, STD));
    }

    @Test
    void renderedEnvValueEscapesExactlyWhatIsNotAReference() {
        assertEquals("\"${HOME}/x \\$HOME `id` \\\\ \\\"q\\\" \\${not a name}\"",
                DockerfileSyntax.quotedEnvValue("${HOME}/x $HOME `id` \\ \"q\" ${not a name}", "K", STD));
    }
}
