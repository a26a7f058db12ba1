package dev.habitat.maven;

import dev.habitat.core.registry.DockerConfigCredentials;
import dev.habitat.core.registry.RegistryAuth;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Registry credentials as Jib and fabric8 find them: the settings.xml {@code <server>} whose id is the registry
 * host ({@code 127.0.0.1:5000}), its password decrypted as Maven does; else {@code ~/.docker/config.json}
 * (credential helpers, then {@code auths}); else none. Resolved once per host, before the build, so every
 * password is known to the log masking.
 */
final class RegistryCredentials {
    private RegistryCredentials() {
    }

    static Map<String, RegistryAuth> resolve(Set<String> hosts, Settings settings, SettingsDecrypter decrypter,
                                             DockerConfigCredentials dockerConfig) {
        Map<String, RegistryAuth> out = new LinkedHashMap<>();
        for (String host : hosts) {
            Server server = SecretResolver.decryptedServer(settings, decrypter, host);
            if (server != null) {
                out.put(host, new RegistryAuth(host, server.getUsername(), server.getPassword() == null ? "" : server.getPassword(), null,
                        "settings.xml server '" + host + "'"));
            } else {
                out.put(host, dockerConfig.lookup(host).orElse(RegistryAuth.anonymous(host)));
            }
        }
        return out;
    }
}
