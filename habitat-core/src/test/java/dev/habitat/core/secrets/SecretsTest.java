package dev.habitat.core.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import dev.habitat.core.config.HabitatConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path dir;

    private static Secrets.Secret secret(String id, String value, String username) {
        return new Secrets.Secret(id, value.getBytes(StandardCharsets.UTF_8), username, "test");
    }

    @Test
    void masksEveryValueLongestFirstAndLeavesTooShortValuesAlone() {
        Secrets s = Secrets.of(List.of(secret("a", "tok-123456", null), secret("b", "tok-123456-extra\n", null), secret("c", "xy", null)));
        assertEquals("x **** y **** xy", s.mask("x tok-123456-extra y tok-123456 xy"));
        assertNull(s.mask(null));
    }

    @Test
    void theSessionGetsValuesAndUsernamesByIdAndNothingElse() {
        Secrets s = Secrets.of(List.of(secret("git", "v", "alice"), secret("npm", "w", null)));
        assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), s.lookup("git"));
        assertArrayEquals("alice".getBytes(StandardCharsets.UTF_8), s.lookup("git.username"));
        assertNull(s.lookup("npm.username"), "no username: the clone falls back to git's default");
        assertNull(s.lookup("other"));
        assertFalse(s.toString().contains("v,") || secret("git", "s3cr3t", null).toString().contains("s3cr3t"));
    }

    @Test
    void registryPasswordsAreMaskedButNeverServedToTheBuild() {
        Secrets s = Secrets.of(List.of(secret("git-token", "tok-123456", null)))
                .with(List.of(secret("registry 127.0.0.1:5000", "registry-pw-42", "alice")));
        // a habitat's Dockerfile mounting id=registry 127.0.0.1:5000 would read the password: the session refuses it
        assertNull(s.lookup("registry 127.0.0.1:5000"));
        assertNull(s.lookup("registry 127.0.0.1:5000.username"));
        assertTrue(s.get("registry 127.0.0.1:5000").isEmpty(), "docker-exec cannot write it into /run/secrets either");
        assertEquals("pull **** with ****", s.mask("pull registry-pw-42 with tok-123456"), "still masked in what is printed");
        assertArrayEquals("tok-123456".getBytes(StandardCharsets.UTF_8), s.lookup("git-token"));
    }

    @Test
    void theSessionServesOnlyTheSecretsTheHabitatDeclares() {
        HabitatConfig config = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL + """
                repos:
                  - {url: https://h.invalid/r.git, path: /r, auth: git-token}
                scripts:
                  - commands: [echo]
                    secrets: [npm-token]
                """).plan().config();
        Secrets given = Secrets.of(List.of(secret("git-token", "tok-123456", "alice"), secret("npm-token", "npm-123456", null),
                secret("other-habitats-token", "other-123456", null))).with(List.of(secret("registry 127.0.0.1:5000", "registry-pw-42", "bob")));
        Secrets served = given.declaredBy(config);
        assertArrayEquals("tok-123456".getBytes(StandardCharsets.UTF_8), served.lookup("git-token"));
        assertArrayEquals("alice".getBytes(StandardCharsets.UTF_8), served.lookup("git-token.username"));
        assertArrayEquals("npm-123456".getBytes(StandardCharsets.UTF_8), served.lookup("npm-token"));
        assertNull(served.lookup("other-habitats-token"), "given to the plugin, but not declared by this habitat");
        assertNull(served.lookup("registry 127.0.0.1:5000"));
        assertNotNull(given.lookup("other-habitats-token"), "declaredBy narrows a copy");
        assertEquals("pw ****", served.mask("pw registry-pw-42"), "masking still covers the registry password");
    }

    @Test
    void aSecretTheConfigUsesButNobodyGaveFailsNamingItAndItsUser() {
        HabitatConfig config = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL + """
                repos:
                  - url: https://h.invalid/r.git
                    path: /r
                    auth: git-token
                scripts:
                  - commands: [echo]
                    secrets: [npm-token, git-token]
                """).plan().config();
        assertEquals(List.of("git-token", "npm-token", "git-token"), Secrets.usedBy(config).stream().map(Secrets.Use::id).toList());
        var e = assertThrows(Secrets.MissingSecretException.class,
                () -> Secrets.of(List.of(secret("git-token", "v", null))).requireAllUsedBy(config));
        assertTrue(e.getMessage().contains("secret 'npm-token' (used by script scripts[0]"), e.getMessage());
        Secrets.of(List.of(secret("git-token", "v", null), secret("npm-token", "w", null))).requireAllUsedBy(config);
    }
}
