package dev.habitat.core.engine.docker;

import dev.habitat.core.Platform;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.habitat.core.Json;
import dev.habitat.core.engine.ImageTransfer.TransferResult;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryApi;
import dev.habitat.core.registry.RegistryAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Pulls, pushes and registry lookups of one engine, with the engine's progress stream read for errors and bytes. */
final class RegistryTransfers {
    private final EngineHttp http;
    private final RegistryApi registryApi;

    RegistryTransfers(EngineHttp http, RegistryApi registryApi) {
        this.http = http;
        this.registryApi = registryApi;
    }

    /**
     * {@code POST /images/create?fromImage=}: a missing tag is an HTTP 404, a registry the engine cannot reach or
     * that refuses the credentials an HTTP 500, each with the engine's message; errors after the pull started come
     * in the stream. The bytes are the sum of each layer's download size.
     */
    TransferResult pull(String ref, RegistryAuth auth, Platform platform) {
        String[] rt = repositoryAndTag(ref);
        return transfer("/images/create?fromImage=" + EngineHttp.enc(rt[0]) + "&tag=" + EngineHttp.enc(rt[1])
                + (platform == null ? "" : "&platform=" + EngineHttp.enc(platform.toString())), auth, "Downloading");
    }

    /**
     * {@code GET /distribution/{name}/json}: the engine asks the registry for the manifest's descriptor (its digest in
     * {@code Descriptor.digest}). Podman has no such endpoint (it answers 404 to every name): there the registry's own
     * API is asked, from this JVM, with the same credentials.
     */
    TransferResult inRegistry(String ref, RegistryAuth auth, boolean podman) {
        if (podman) {
            try {
                return registryApi.manifestDigest(ImageReference.parse(ref, true), auth)
                        .map(TransferResult::found).orElseGet(() -> TransferResult.failed(404, "manifest unknown: " + ref));
            } catch (IOException e) {
                return TransferResult.failed(0, e.getMessage());
            }
        }
        try {
            EngineHttp.Answer a = http.get("/distribution/" + ref + "/json", Map.of("X-Registry-Auth", auth.header()));
            if (a.status() != 200) {
                return refusal(a.status(), a.text());
            }
            String digest = Json.tree(a.text()).path("Descriptor").path("digest").asText(null);
            return TransferResult.found(digest);
        } catch (IOException e) {
            return TransferResult.failed(0, "the engine's answer broke: " + e.getMessage());
        }
    }

    /** {@code POST /images/{name}/push?tag=}: failures come in the stream of an HTTP 200. */
    TransferResult push(String ref, RegistryAuth auth) {
        String[] rt = repositoryAndTag(ref);
        return transfer("/images/" + rt[0] + "/push?tag=" + EngineHttp.enc(rt[1]), auth, "Pushing");
    }

    private TransferResult transfer(String path, RegistryAuth auth, String progressStatus) {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST).path(path)
                .putHeader("X-Registry-Auth", auth.header()).build();
        try (DockerHttpClient.Response resp = http.execute(req)) {
            if (resp.getStatusCode() / 100 != 2) {
                return refusal(resp.getStatusCode(), new String(resp.getBody().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
            Map<String, Long> layerBytes = new HashMap<>();
            try (MappingIterator<JsonNode> it = Json.readerFor(JsonNode.class).readValues(resp.getBody())) {
                while (it.hasNext()) {
                    JsonNode n = it.next();
                    if (n.has("errorDetail") || n.has("error")) {
                        return TransferResult.failed(200, n.path("errorDetail").path("message").asText(n.path("error").asText()));
                    }
                    long total = n.path("progressDetail").path("total").asLong(0);
                    if (progressStatus.equals(n.path("status").asText()) && total > 0) {
                        layerBytes.merge(n.path("id").asText(), total, Math::max);
                    }
                }
            }
            return TransferResult.done(layerBytes.values().stream().mapToLong(Long::longValue).sum());
        } catch (IOException e) {
            return TransferResult.failed(0, "the engine's answer broke: " + e.getMessage());
        }
    }

    /** An engine's error answer: its JSON {@code message}, or the body as it is. */
    private static TransferResult refusal(int status, String body) {
        String message = body;
        try {
            message = Json.tree(body).path("message").asText(body);
        } catch (IOException e) {
            // not JSON: keep the body as it is
        }
        return TransferResult.failed(status, message);
    }

    /** {@code host/repo:tag} as repository and tag ({@code latest} when it has none; a port's ':' is not a tag's). */
    static String[] repositoryAndTag(String ref) {
        int colon = ref.lastIndexOf(':');
        return colon > ref.lastIndexOf('/') ? new String[] {ref.substring(0, colon), ref.substring(colon + 1)} : new String[] {ref, "latest"};
    }
}
