package dev.habitat.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.config.ConfigLoader;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.secrets.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {
    @TempDir
    Path dir;

    private HabitatConfig config() throws Exception {
        Path habitat = Files.createDirectories(dir.resolve("habitat"));
        Files.writeString(habitat.resolve("config.yaml"), """
                name: demo
                base_image: debian:bookworm
                env:
                  - USER=dev
                  - WORKDIR=/workspace
                repos:
                  - url: https://h.invalid/r.git
                    path: /r
                    auth: git-token
                scripts:
                  - commands: [echo]
                    secrets: [npm-token]
                """);
        return new ConfigLoader().load(habitat, habitat.resolve("config.yaml"));
    }

    private static SecretSource source(String id, String env, String file, String username) {
        SecretSource s = new SecretSource();
        s.setId(id);
        s.setEnv(env);
        s.setFile(file);
        s.setUsername(username);
        return s;
    }

    /** A decrypter that "decrypts" {x} to x, as Maven's does with the master password. */
    private static final SettingsDecrypter BRACES = request -> new SettingsDecryptionResult() {
        public Server getServer() {
            Server s = request.getServers().get(0).clone();
            s.setPassword(s.getPassword().replaceAll("^\\{(.*)}$", "$1"));
            return s;
        }

        public List<Server> getServers() {
            return List.of(getServer());
        }

        public org.apache.maven.settings.Proxy getProxy() {
            return null;
        }

        public List<org.apache.maven.settings.Proxy> getProxies() {
            return List.of();
        }

        public List<SettingsProblem> getProblems() {
            return List.of();
        }
    };

    @Test
    void pluginSourcesComeFirstThenTheSettingsServerDecrypted() throws Exception {
        Path file = Files.writeString(dir.resolve("npm"), "npm-value\n");
        Settings settings = new Settings();
        Server server = new Server();
        server.setId("git-token");
        server.setUsername("alice");
        server.setPassword("{git-value}");
        settings.addServer(server);
        Secrets s = new SecretResolver(List.of(source("npm-token", null, file.toString(), null)), settings, BRACES,
                Map.<String, String>of()::get).resolve(config());
        assertArrayEquals("git-value".getBytes(StandardCharsets.UTF_8), s.lookup("git-token"));
        assertArrayEquals("alice".getBytes(StandardCharsets.UTF_8), s.lookup("git-token.username"));
        assertArrayEquals("npm-value\n".getBytes(StandardCharsets.UTF_8), s.lookup("npm-token"));

        Secrets fromEnv = new SecretResolver(List.of(source("git-token", "GIT_TOKEN", null, "bob"), source("npm-token", "NPM", null, null)),
                settings, BRACES, Map.of("GIT_TOKEN", "env-value", "NPM", "n-value")::get).resolve(config());
        assertArrayEquals("env-value".getBytes(StandardCharsets.UTF_8), fromEnv.lookup("git-token"), "the plugin's source wins");
        assertArrayEquals("bob".getBytes(StandardCharsets.UTF_8), fromEnv.lookup("git-token.username"));
    }

    @Test
    void everyMissingSecretIsNamedWithItsUserAndHowToFixIt() throws Exception {
        var e = assertThrows(MojoFailureException.class, () -> new SecretResolver(
                List.of(source("npm-token", "NPM_TOKEN", null, null)), new Settings(), BRACES, Map.<String, String>of()::get)
                .resolve(config()));
        assertTrue(e.getMessage().contains("secret 'git-token' (used by repo https://h.invalid/r.git (repos[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("<server><id>git-token</id>"), e.getMessage());
        assertTrue(e.getMessage().contains("secret 'npm-token' (used by script scripts[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("environment variable NPM_TOKEN is not set"), e.getMessage());
    }

    @Test
    void aSourceNeedsExactlyOneOfEnvAndFileAndAReadableFile() throws Exception {
        var both = assertThrows(MojoFailureException.class, () -> new SecretResolver(List.of(source("git-token", "A", "/x", null),
                source("npm-token", null, dir.resolve("absent").toString(), null)), null, BRACES, Map.of("A", "v")::get).resolve(config()));
        assertTrue(both.getMessage().contains("exactly one of <env> and <file>"), both.getMessage());
        assertTrue(both.getMessage().contains("cannot read file"), both.getMessage());
        assertFalse(both.getMessage().contains("v\n"));
        assertEquals(2, both.getMessage().split("\nhabitat: ").length);
    }
}
