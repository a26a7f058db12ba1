package dev.habitat.core.engine;

import java.nio.file.Path;

/**
 * Where an engine is reached: its host ({@code unix:///...} or {@code tcp://host:port}), the directory with
 * {@code ca.pem}, {@code cert.pem} and {@code key.pem} when TLS is verified (else null), and which setting
 * named it, for messages ("-Dhabitat.dockerHost", "DOCKER_HOST", "Docker context 'x'", "default socket").
 */
public record EngineAddress(String host, Path certPath, String source) {
    public EngineAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("an engine address needs a host");
        }
    }

    public boolean tls() {
        return certPath != null;
    }

    @Override
    public String toString() {
        return host + " (" + source + (tls() ? ", TLS with certificates from " + certPath : "") + ")";
    }
}
