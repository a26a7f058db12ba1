package dev.habitat.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.habitat.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials for one registry host, as the engine takes them in {@code X-Registry-Auth}. {@code source}
 * says where they came from (for messages: never the password).
 *
 * @param identityToken an OAuth refresh token from {@code docker login} (config.json {@code identitytoken} or
 *                      a credential helper's {@code <token>} user), used instead of username and password
 */
public record RegistryAuth(String host, String username, String password, String identityToken, String source) {

    /** No credentials: the engine tries the registry anonymously. */
    public static RegistryAuth anonymous(String host) {
        return new RegistryAuth(host, null, null, null, "no credentials");
    }

    public boolean isAnonymous() {
        return username == null && identityToken == null;
    }

    /** The {@code X-Registry-Auth} header: base64url of the engine's AuthConfig JSON ({@code {}} when anonymous). */
    public String header() {
        ObjectNode n = Json.object();
        if (identityToken != null) {
            n.put("identitytoken", identityToken);
        } else if (username != null) {
            n.put("username", username);
            n.put("password", password == null ? "" : password);
        }
        if (!isAnonymous()) {
            n.put("serveraddress", host);
        }
        return Base64.getUrlEncoder().encodeToString(n.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The secret part, for masking (null when anonymous). */
    public String secret() {
        return identityToken != null ? identityToken : password;
    }

    @Override
    public String toString() {
        return "credentials for " + host + " from " + source;
    }
}
