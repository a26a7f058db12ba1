package dev.habitat.core.engine.session;

import java.net.URI;
import javax.net.ssl.SSLContext;

/**
 * Where a BuildKit session connects: the engine's address ({@code unix://} or {@code tcp://}) and, for an
 * engine behind TLS, the context holding the client certificate and the trusted CA (null for plain TCP).
 */
public record SessionEndpoint(URI host, SSLContext tls) {
}
