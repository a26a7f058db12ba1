package dev.habitat.core.engine.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.habitat.core.Json;
import dev.habitat.core.engine.EngineRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raw requests to one engine's API over docker-java's HTTP transport: what docker-java has no command for, and
 * what every build asks (a raw request needs none of docker-java's command layer).
 */
final class EngineHttp {

    private final DockerHttpClient http;
    private final String host;

    EngineHttp(DockerHttpClient http, String host) {
        this.http = http;
        this.host = host;
    }

    /** The engine's address, for messages. */
    String host() {
        return host;
    }

    /** An engine's answer to a raw request: the status and the whole body. */
    record Answer(int status, byte[] body) {
        boolean ok() {
            return status / 100 == 2;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8).trim();
        }
    }

    /** A raw GET with the given headers; transport failures are the caller's to word. */
    Answer get(String path, Map<String, String> headers) throws IOException {
        DockerHttpClient.Request.Builder b = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path);
        headers.forEach(b::putHeader);
        try (DockerHttpClient.Response resp = http.execute(b.build())) {
            return new Answer(resp.getStatusCode(), resp.getBody().readAllBytes());
        }
    }

    /** A raw JSON POST; the body of a 2xx answer, else a clear failure naming {@code what}. */
    String post(String path, String json, String what) {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST).path(path)
                .putHeader("Content-Type", "application/json").bodyBytes(json.getBytes(StandardCharsets.UTF_8)).build();
        try (DockerHttpClient.Response resp = http.execute(req)) {
            String body = new String(resp.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (resp.getStatusCode() / 100 != 2) {
                throw new EngineRefusedException("the engine at " + host, what, resp.getStatusCode(), DockerEngine.engineWords(body), null);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + what + " on " + host + ": " + e.getMessage(), e);
        }
    }


    /** Sends a request; the caller reads and closes the response. */
    DockerHttpClient.Response execute(DockerHttpClient.Request request) {
        return http.execute(request);
    }

    void close() throws IOException {
        http.close();
    }

    static String json(Map<String, String> m) {
        try {
            return Json.text(new TreeMap<>(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
