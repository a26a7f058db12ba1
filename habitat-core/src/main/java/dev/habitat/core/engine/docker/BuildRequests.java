package dev.habitat.core.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.habitat.core.Json;
import dev.habitat.core.engine.BuildEvents;
import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.trace.BuildKitStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.StringJoiner;

/** BuildKit builds on one engine: the raw {@code POST /build?version=2} (docker-java has no BuildKit) and its cancel. */
final class BuildRequests {
    private final EngineHttp http;

    BuildRequests(EngineHttp http) {
        this.http = http;
    }

    /**
     * Runs one BuildKit build and streams its progress to {@code events}. A failing build ends with
     * {@code errorDetail} in the stream while the HTTP status stays 200: that becomes the outcome's error.
     * Without a context tar, the engine pulls the context and the Dockerfile through the request's session
     * ({@code remote=client-session}), as current Docker clients send them.
     */
    BuildOutcome build(BuildRequest request, BuildEvents events) {
        StringJoiner q = new StringJoiner("&", "/build?", "");
        q.add("version=2").add("dockerfile=Dockerfile").add("rm=1").add("forcerm=1");
        if (request.target() != null) {
            q.add("target=" + EngineHttp.enc(request.target()));
        }
        for (String t : request.tags()) {
            q.add("t=" + EngineHttp.enc(t));
        }
        if (!request.buildArgs().isEmpty()) {
            q.add("buildargs=" + EngineHttp.enc(EngineHttp.json(request.buildArgs())));
        }
        if (!request.labels().isEmpty()) {
            q.add("labels=" + EngineHttp.enc(EngineHttp.json(request.labels())));
        }
        if (request.network() != null && !request.network().equals("default")) {
            q.add("networkmode=" + EngineHttp.enc(request.network()));
        }
        if (request.platform() != null) {
            q.add("platform=" + EngineHttp.enc(request.platform().toString()));
        }
        if (request.noCache()) {
            q.add("nocache=1");
        }
        if (request.buildId() != null) {
            q.add("buildid=" + EngineHttp.enc(request.buildId()));
        }
        if (request.sessionId() != null) {
            q.add("session=" + EngineHttp.enc(request.sessionId()));
        }
        if (request.contextTar() == null) {
            if (request.sessionId() == null) {
                throw new IllegalArgumentException("a build without a context tar needs a session to pull the context from");
            }
            q.add("remote=client-session");
        }
        String imageId = null;
        String error = null;
        try (InputStream body = request.contextTar() == null ? InputStream.nullInputStream() : Files.newInputStream(request.contextTar())) {
            DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                    .method(DockerHttpClient.Request.Method.POST)
                    .path(q.toString())
                    .putHeader("Content-Type", "application/x-tar")
                    .body(body)
                    .build();
            try (DockerHttpClient.Response resp = http.execute(req)) {
                if (resp.getStatusCode() != 200) {
                    return new BuildOutcome(null, "the engine refused the build (HTTP " + resp.getStatusCode() + "): "
                            + new String(resp.getBody().readAllBytes(), StandardCharsets.UTF_8).trim());
                }
                try (MappingIterator<JsonNode> it = Json.readerFor(JsonNode.class).readValues(resp.getBody())) {
                    while (it.hasNext()) {
                        JsonNode n = it.next();
                        String id = n.path("id").asText("");
                        if (id.equals("moby.buildkit.trace") && n.hasNonNull("aux")) {
                            events.status(BuildKitStatus.decode(Base64.getDecoder().decode(n.get("aux").asText())));
                        } else if (id.equals("moby.image.id") && n.path("aux").has("ID")) {
                            imageId = n.path("aux").path("ID").asText();
                        } else if (n.has("errorDetail") || n.has("error")) {
                            error = n.path("errorDetail").path("message").asText(n.path("error").asText());
                        } else if (n.has("stream")) {
                            events.stream(n.get("stream").asText());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the build stream from " + http.host() + " broke: " + e.getMessage(), e);
        }
        return new BuildOutcome(imageId, error);
    }

    /** Asks the engine to stop a running build (Ctrl-C, a failing Maven build). Best effort. */
    void cancelBuild(String buildId) {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path("/build/cancel?id=" + EngineHttp.enc(buildId))
                .build();
        try (DockerHttpClient.Response resp = http.execute(req)) {
            resp.getBody().readAllBytes();
        } catch (IOException | RuntimeException e) {
            // The build may be over already; nothing else to do.
        }
    }
}
