package dev.habitat.core.method.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The docker-exec method's secret writer, run by a real shell (the container's /bin/sh, and bash) in a directory
 * standing in for the /run/secrets tmpfs, where an earlier step planted links: the secret never goes where they point.
 */
class SecretWriterTest {
    private static final String SECRET = "s3cr3t\nwith any bytes \u00e9";

    @TempDir
    Path tmp;

    private record Run(int exit, String output) {}

    private Run write(String shell, Path secretsDir, String id) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(ExecMethod.secretWriter(secretsDir.toString(), id,
                Files.getOwner(tmp).getName()));
        argv.set(0, shell);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("HABITAT_SECRET_B64", Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    private Path secretsDir() throws IOException {
        Path d = Files.createDirectory(tmp.toRealPath().resolve("secrets"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/sh", "bash"})
    void aLinkPlantedAtTheSecretsPathIsReplacedNeverFollowed(String shell) throws Exception {
        Path secrets = secretsDir();
        Path committed = Files.writeString(tmp.resolve("committed.txt"), "layer file\n");
        Path dangling = tmp.resolve("would-be-committed");
        Files.createSymbolicLink(secrets.resolve("token"), committed);
        Files.createSymbolicLink(secrets.resolve("other"), dangling);

        for (String id : List.of("token", "other")) {
            Run r = write(shell, secrets, id);
            assertEquals(0, r.exit(), r.output());
            Path written = secrets.resolve(id);
            assertFalse(Files.isSymbolicLink(written), "the link is replaced by the secret file");
            assertTrue(Files.isRegularFile(written, LinkOption.NOFOLLOW_LINKS));
            assertEquals(SECRET, Files.readString(written));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
        }
        assertEquals("layer file\n", Files.readString(committed), "the link's target is not written");
        assertFalse(Files.exists(dangling, LinkOption.NOFOLLOW_LINKS), "a dangling link's target is not created");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/sh", "bash"})
    void aSecretsDirectoryReachedThroughALinkIsRefused(String shell) throws Exception {
        Path elsewhere = Files.createDirectory(tmp.toRealPath().resolve("elsewhere"));
        Path linked = Files.createSymbolicLink(tmp.toRealPath().resolve("linked"), elsewhere);
        Run r = write(shell, linked, "token");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("symbolic link"), r.output());
        assertFalse(Files.exists(elsewhere.resolve("token"), LinkOption.NOFOLLOW_LINKS), "nothing written through the link");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/sh", "bash"})
    void aPlantedDirectoryAtThePathIsReplacedToo(String shell) throws Exception {
        Path secrets = secretsDir();
        Files.createDirectories(secrets.resolve("token/sub"));
        Run r = write(shell, secrets, "token");
        assertEquals(0, r.exit(), r.output());
        assertEquals(SECRET, Files.readString(secrets.resolve("token")));
    }
}
