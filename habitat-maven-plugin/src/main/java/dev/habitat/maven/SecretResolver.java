package dev.habitat.maven;

import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.secrets.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Finds the value of every secret a habitat uses: a {@code <secret>} of the plugin configuration (an
 * environment variable or a file), else the {@code settings.xml} {@code <server>} with that id (its
 * password, decrypted as Maven does, and its username). Only secrets the config uses are read.
 */
final class SecretResolver {
    private final List<SecretSource> sources;
    private final Settings settings;
    private final SettingsDecrypter decrypter;
    private final UnaryOperator<String> environment;

    SecretResolver(List<SecretSource> sources, Settings settings, SettingsDecrypter decrypter, UnaryOperator<String> environment) {
        this.sources = sources == null ? List.of() : sources;
        this.settings = settings;
        this.decrypter = decrypter;
        this.environment = environment;
    }

    Secrets resolve(HabitatConfig config) throws MojoFailureException {
        Map<String, List<String>> users = new LinkedHashMap<>();
        for (Secrets.Use use : Secrets.usedBy(config)) {
            users.computeIfAbsent(use.id(), k -> new ArrayList<>()).add(use.user());
        }
        Map<String, Secrets.Secret> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        users.forEach((id, usedBy) -> {
            String who = "secret '" + id + "' (used by " + String.join(", ", usedBy) + ")";
            try {
                Secrets.Secret s = fromSources(id);
                if (s == null) {
                    s = fromSettings(id);
                }
                if (s == null) {
                    problems.add(who + " is not defined. Add <server><id>" + id + "</id><password>...</password></server>"
                            + " to your settings.xml, or <secrets><secret><id>" + id + "</id><env>VARIABLE</env></secret></secrets>"
                            + " to the plugin configuration");
                } else {
                    found.put(id, s);
                }
            } catch (IllegalArgumentException e) {
                problems.add(who + ": " + e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            throw new MojoFailureException("habitat: " + String.join("\nhabitat: ", problems));
        }
        return Secrets.of(found.values());
    }

    private Secrets.Secret fromSources(String id) {
        for (SecretSource src : sources) {
            if (!id.equals(src.getId())) {
                continue;
            }
            boolean env = src.getEnv() != null && !src.getEnv().isBlank();
            boolean file = src.getFile() != null && !src.getFile().isBlank();
            if (env == file) {
                throw new IllegalArgumentException("its <secret> must have exactly one of <env> and <file>");
            }
            if (env) {
                String value = environment.apply(src.getEnv());
                if (value == null || value.isEmpty()) {
                    throw new IllegalArgumentException("environment variable " + src.getEnv() + " is not set (or empty); export it before the build");
                }
                return new Secrets.Secret(id, value.getBytes(StandardCharsets.UTF_8), src.getUsername(), "environment variable " + src.getEnv());
            }
            Path path = Path.of(src.getFile());
            try {
                byte[] value = Files.readAllBytes(path);
                if (value.length == 0) {
                    throw new IllegalArgumentException("file " + path + " is empty");
                }
                return new Secrets.Secret(id, value, src.getUsername(), "file " + path);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read file " + path + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        return null;
    }

    private Secrets.Secret fromSettings(String id) {
        Server decrypted = decryptedServer(settings, decrypter, id);
        if (decrypted == null) {
            return null;
        }
        String password = decrypted.getPassword();
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("settings.xml server '" + id + "' has no <password>: put the token there");
        }
        return new Secrets.Secret(id, password.getBytes(StandardCharsets.UTF_8), decrypted.getUsername(), "settings.xml server " + id);
    }

    /** The settings.xml {@code <server>} of that id with its password decrypted as Maven does, or null when there is none. */
    static Server decryptedServer(Settings settings, SettingsDecrypter decrypter, String id) {
        Server server = settings == null ? null : settings.getServer(id);
        if (server == null) {
            return null;
        }
        SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
        for (SettingsProblem p : result.getProblems()) {
            if (p.getSeverity() != SettingsProblem.Severity.WARNING) {
                throw new IllegalArgumentException("settings.xml server '" + id + "' cannot be decrypted: " + p.getMessage());
            }
        }
        return result.getServer();
    }
}
