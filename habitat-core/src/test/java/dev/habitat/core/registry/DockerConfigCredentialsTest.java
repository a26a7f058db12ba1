package dev.habitat.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {
    @TempDir
    Path dir;
    private final List<String> debug = new ArrayList<>();

    private DockerConfigCredentials with(String json) throws Exception {
        Files.writeString(dir.resolve("config.json"), json);
        return new DockerConfigCredentials(Map.of("DOCKER_CONFIG", dir.toString(), "PATH", dir.resolve("bin").toString()), debug::add);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authsEntriesAsDockerLoginWritesThem() throws Exception {
        var creds = with("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:pa:ss") + "\"},"
                + "\"https://registry.example.com\":{\"identitytoken\":\"tok-123\"}}}");
        RegistryAuth a = creds.lookup("127.0.0.1:5000").orElseThrow();
        assertEquals("alice", a.username());
        assertEquals("pa:ss", a.password(), "only the first ':' splits user from password");
        assertTrue(a.source().contains("config.json auths \"127.0.0.1:5000\""), a.source());
        assertEquals("tok-123", creds.lookup("registry.example.com").orElseThrow().identityToken());
        assertEquals(Optional.empty(), creds.lookup("other:5000"));
    }

    @Test
    void aCredentialHelperOnThePathComesFirst() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path helper = bin.resolve("docker-credential-test");
        Files.writeString(helper, "#!/bin/sh\nread host\n[ \"$1\" = get ] && [ \"$host\" = 127.0.0.1:5000 ] || exit 1\n"
                + "echo '{\"ServerURL\":\"127.0.0.1:5000\",\"Username\":\"bob\",\"Secret\":\"from-helper\"}'\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        var creds = with("{\"credHelpers\":{\"127.0.0.1:5000\":\"test\"},\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:pw") + "\"}}}");
        RegistryAuth a = creds.lookup("127.0.0.1:5000").orElseThrow();
        assertEquals("bob", a.username());
        assertEquals("from-helper", a.password());
        assertTrue(a.source().contains("docker-credential-test"), a.source());
    }

    @Test
    void aMissingHelperFallsBackToAuthsAndSaysWhy() throws Exception {
        var creds = with("{\"credsStore\":\"desktop\",\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:pw") + "\"}}}");
        assertEquals("alice", creds.lookup("127.0.0.1:5000").orElseThrow().username());
        assertTrue(debug.stream().anyMatch(d -> d.contains("docker-credential-desktop, which is not on the PATH")), debug.toString());
    }

    @Test
    void noFileMeansNoCredentials() {
        var creds = new DockerConfigCredentials(Map.of("DOCKER_CONFIG", dir.resolve("none").toString()), debug::add);
        assertEquals(Optional.empty(), creds.lookup("127.0.0.1:5000"));
    }

    private Path helper(String name, String body) throws Exception {
        Path helper = Files.createDirectories(dir.resolve("bin")).resolve("docker-credential-" + name);
        Files.writeString(helper, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return helper;
    }

    private DockerConfigCredentials withTimeout(String json, String path, Duration timeout) throws Exception {
        Files.writeString(dir.resolve("config.json"), json);
        return new DockerConfigCredentials(Map.of("DOCKER_CONFIG", dir.toString(), "PATH", path), debug::add, timeout);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // guards the suite against the old hang; the assertions are below
    void aHelperThatNeverAnswersIsStoppedAfterTheTimeoutAndTheLookupFallsBack() throws Exception {
        // half an answer written, then waiting as a helper waiting for a prompt's answer or an unlock would
        helper("stuck", "printf '{\"Username\":'\nexec sleep 600\n");
        var creds = withTimeout("{\"credsStore\":\"stuck\",\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:pw") + "\"}}}",
                dir.resolve("bin").toString(), Duration.ofSeconds(1));
        assertEquals("alice", creds.lookup("127.0.0.1:5000").orElseThrow().username(), "the auths entry is used instead");
        assertTrue(debug.stream().anyMatch(d -> d.contains("docker-credential-stuck did not answer within 1 s and was stopped")), debug.toString());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // guards the suite against the old hang; the assertions are below
    void aHelperThatWritesMuchToStderrIsStillRead() throws Exception {
        // 1 MB on stderr fills any pipe buffer: unless stderr is drained, the helper never gets to its answer
        helper("chatty", "read host\nhead -c 1000000 /dev/zero | tr '\\0' x >&2\n"
                + "echo '{\"ServerURL\":\"127.0.0.1:5000\",\"Username\":\"bob\",\"Secret\":\"s3\"}'\n");
        var creds = withTimeout("{\"credsStore\":\"chatty\"}", dir.resolve("bin").toString(), Duration.ofSeconds(60));
        RegistryAuth a = creds.lookup("127.0.0.1:5000").orElseThrow();
        assertEquals("bob", a.username());
        assertEquals("s3", a.password());
    }

    @Test
    void aRelativePathEntryIsNotSearched() throws Exception {
        helper("test", "read host\necho '{\"ServerURL\":\"127.0.0.1:5000\",\"Username\":\"bob\",\"Secret\":\"from-helper\"}'\n");
        // the same directory, named relative to the working directory: a checkout's bin/ must not answer for a registry
        String relative = Path.of("").toAbsolutePath().relativize(dir.resolve("bin")).toString();
        assertTrue(!Path.of(relative).isAbsolute() && Files.isExecutable(Path.of(relative, "docker-credential-test")), relative);
        var creds = withTimeout("{\"credsStore\":\"test\",\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:pw") + "\"}}}",
                relative, Duration.ofSeconds(30));
        assertEquals("alice", creds.lookup("127.0.0.1:5000").orElseThrow().username());
        assertTrue(debug.stream().anyMatch(d -> d.contains("docker-credential-test, which is not on the PATH")), debug.toString());
    }
}
