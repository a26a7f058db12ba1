package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.snapshot.Sharing;
import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryApi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * -Dhabitat.image with push and several platforms: each platform's image goes under its own tag, and one index under
 * the name lists each platform's manifest, read back from the registry (a small registry of manifests on 127.0.0.1).
 */
class MultiPlatformImageTest {
    private static final Platform AMD64 = Platform.parse("linux/amd64", "t");
    private static final Platform ARM64 = Platform.parse("linux/arm64", "t");
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    /** Tag to {content type, body} as the registry holds them. */
    private final Map<String, String[]> manifests = new TreeMap<>();
    private final List<String> puts = new ArrayList<>();

    private String start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/v2/team/dev/manifests/", ex -> {
            String tag = ex.getRequestURI().getPath().substring("/v2/team/dev/manifests/".length());
            if (ex.getRequestMethod().equals("PUT")) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                manifests.put(tag, new String[] {ex.getRequestHeaders().getFirst("Content-Type"), body});
                puts.add(tag);
                ex.getResponseHeaders().add("Docker-Content-Digest", "sha256:put");
                reply(ex, 201, "");
            } else if (manifests.containsKey(tag)) {
                ex.getResponseHeaders().add("Content-Type", manifests.get(tag)[0]);
                ex.getResponseHeaders().add("Docker-Content-Digest", "sha256:" + tag);
                reply(ex, 200, manifests.get(tag)[1]);
            } else {
                reply(ex, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
            }
        });
        server.start();
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void eachPlatformUnderItsTagAndOneIndexUnderTheNameListingEachPlatformsManifest() throws IOException {
        String host = start();
        // what the engines pushed: amd64 a Docker manifest (classic store), arm64 an OCI index with its manifest and an
        // attestation (containerd store)
        String amd = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryApi.DOCKER_MANIFEST + "\",\"layers\":[]}";
        manifests.put("1-linux-amd64", new String[] {RegistryApi.DOCKER_MANIFEST, amd});
        manifests.put("1-linux-arm64", new String[] {RegistryApi.OCI_INDEX, """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:armmanifest","size":480,
                  "platform":{"architecture":"arm64","os":"linux"}},
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:attestation","size":500,
                  "platform":{"architecture":"unknown","os":"unknown"}}]}"""});
        FakeEngine engine = new FakeEngine();
        engine.put("habitat-dev:12-final-linux-amd64", Map.of());
        engine.put("habitat-dev:12-final-linux-arm64", Map.of());
        SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();
        List<String> log = progress.infos;
        List<BuildSummary> summaries = List.of(
                new BuildSummary("dev", List.of(), false, Duration.ZERO, "habitat-dev:12-final-linux-amd64", AMD64),
                new BuildSummary("dev", List.of(), false, Duration.ZERO, "habitat-dev:12-final-linux-arm64", ARM64));
        ImageReference name = ImageReference.parse(host + "/team/dev:1", true);
        new MultiPlatformImage(engine, new RegistryApi(), progress).publish(summaries, name, new Sharing(null, name, true, null));

        assertEquals(List.of(host + "/team/dev:1-linux-amd64", host + "/team/dev:1-linux-arm64"), new ArrayList<>(engine.registry.keySet()),
                "each platform's image pushed under its own tag");
        assertTrue(engine.images.containsKey(host + "/team/dev:1"), "the engine's own platform's image has the name here too");
        assertEquals(List.of("1"), puts);
        assertEquals(RegistryApi.OCI_INDEX, manifests.get("1")[0], "an OCI index: one of its manifests is OCI's");
        JsonNode index = JSON.readTree(manifests.get("1")[1]);
        assertEquals(2, index.get("schemaVersion").asInt());
        assertEquals(RegistryApi.OCI_INDEX, index.get("mediaType").asText());
        JsonNode m = index.get("manifests");
        assertEquals(2, m.size());
        assertEquals("sha256:1-linux-amd64", m.get(0).get("digest").asText(), "the registry's digest of the amd64 manifest");
        assertEquals(amd.length(), m.get(0).get("size").asLong());
        assertEquals(RegistryApi.DOCKER_MANIFEST, m.get(0).get("mediaType").asText());
        assertEquals("amd64", m.get(0).get("platform").get("architecture").asText());
        assertEquals("sha256:armmanifest", m.get(1).get("digest").asText(), "the arm64 manifest, not the engine's index nor its attestation");
        assertEquals("arm64", m.get(1).get("platform").get("architecture").asText());
        assertTrue(log.stream().anyMatch(l -> l.contains("pushed " + name.name() + " for linux/amd64, linux/arm64")), log.toString());
    }

    @Test
    void dockerManifestsOnlyMakeADockerManifestList() {
        String list = MultiPlatformImage.index(RegistryApi.DOCKER_LIST, List.of(
                new MultiPlatformImage.Entry(RegistryApi.DOCKER_MANIFEST, "sha256:a", 10, AMD64),
                new MultiPlatformImage.Entry(RegistryApi.DOCKER_MANIFEST, "sha256:b", 11, Platform.parse("linux/arm/v7", "t"))));
        assertTrue(list.contains("\"mediaType\":\"" + RegistryApi.DOCKER_LIST + "\""), list);
        assertTrue(list.contains("{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}"), list);
        assertEquals("habitat-dev:1-linux-arm64", MultiPlatformImage.platformName(ImageReference.parse("habitat-dev:1", true), ARM64).name());
        assertEquals(Phase.FINAL, Phase.parse("12-final").orElseThrow());
    }
}
