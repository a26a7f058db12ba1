package dev.habitat.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.config.RepoSpec;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clone's inline credential helper, run by a real sh as git runs a {@code !} helper ({@code sh -c '<helper> "$@"'
 * helper get}, the request on stdin): it answers only for the repository's own protocol and host.
 */
class GitCredentialHelperTest {
    @TempDir
    Path secrets;

    private String ask(String url, String request) throws Exception {
        Files.writeString(secrets.resolve("git-token"), "tok-123456\n");
        Files.writeString(secrets.resolve("git-token.username"), "alice\n");
        RepoSpec repo = new RepoSpec(url, "/workspace/r", null, true, null, null, "git-token", null);
        String helper = StepScripts.credentialHelper(repo, secrets.toString());
        assertTrue(helper.startsWith("!"), helper);
        Process p = new ProcessBuilder("sh", "-c", helper.substring(1) + " \"$@\"", "credential-helper", "get")
                .redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(request.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the helper ended");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void answersForTheRepositorysHost() throws Exception {
        assertEquals("username=alice\npassword=tok-123456\n",
                ask("https://git.example.com/org/r.git", "protocol=https\nhost=git.example.com\npath=org/r.git\n\n"));
        assertEquals("username=alice\npassword=tok-123456\n",
                ask("https://git.example.com:8443/org/r.git", "protocol=https\nhost=git.example.com:8443\n"), "the port is part of git's host");
    }

    @Test
    void saysNothingToAnotherHostOrProtocol() throws Exception {
        // a redirect, an insteadOf or a tampered mirror sending git elsewhere must not take the token along
        assertEquals("", ask("https://git.example.com/org/r.git", "protocol=https\nhost=evil.example\n"));
        assertEquals("", ask("https://git.example.com/org/r.git", "protocol=https\nhost=git.example.com.evil.example\n"));
        assertEquals("", ask("https://git.example.com/org/r.git", "protocol=http\nhost=git.example.com\n"), "not in clear text");
        assertEquals("", ask("https://git.example.com:8443/org/r.git", "protocol=https\nhost=git.example.com\n"), "another port");
    }
}
