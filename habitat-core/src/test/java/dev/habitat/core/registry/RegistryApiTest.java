package dev.habitat.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Listing tags against a registry on 127.0.0.1 that challenges as distribution (Basic) or a token service (Bearer) does. */
class RegistryApiTest {
    private HttpServer server;
    private final List<String> seen = new ArrayList<>();

    private String start(boolean bearer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
        String host = "127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/token", ex -> {
            seen.add("token " + ex.getRequestURI().getQuery());
            reply(ex, basic.equals(ex.getRequestHeaders().getFirst("Authorization")) ? 200 : 401, "{\"token\":\"t-123\"}");
        });
        server.createContext("/v2/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            boolean ok = bearer ? "Bearer t-123".equals(auth) : basic.equals(auth);
            if (!ok) {
                ex.getResponseHeaders().add("WWW-Authenticate", bearer
                        ? "Bearer realm=\"http://" + host + "/token\",service=\"test\",scope=\"repository:team/habitat-x:pull\""
                        : "Basic realm=\"test\"");
                reply(ex, 401, "{}");
            } else if (ex.getRequestURI().getPath().equals("/v2/team/habitat-x/manifests/5-habitat-0123456789abcdef")) {
                seen.add(ex.getRequestMethod() + " manifest, accepts " + ex.getRequestHeaders().getFirst("Accept"));
                ex.getResponseHeaders().add("Docker-Content-Digest", "sha256:" + "ab".repeat(32));
                ex.sendResponseHeaders(200, -1);
                ex.close();
            } else if (ex.getRequestURI().getPath().equals("/v2/team/habitat-x/tags/list")) {
                reply(ex, 200, "{\"name\":\"team/habitat-x\",\"tags\":[\"1-base-0123456789abcdef\",\"latest\"]}");
            } else {
                reply(ex, 404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}");
            }
        });
        server.start();
        return host;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = ex.getRequestMethod().equals("HEAD") ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void basicChallengeIsAnsweredWithTheCredentials() throws IOException {
        String host = start(false);
        var repo = ImageReference.parse(host + "/team/habitat-x", false);
        assertEquals(List.of("1-base-0123456789abcdef", "latest"), new RegistryApi().tags(repo, new RegistryAuth(host, "alice", "pw", null, "test")));
        assertEquals(List.of(), new RegistryApi().tags(ImageReference.parse(host + "/team/none", false),
                new RegistryAuth(host, "alice", "pw", null, "test")), "a repository the registry does not have has no tags");
        var refused = assertThrows(IOException.class, () -> new RegistryApi().tags(repo, new RegistryAuth(host, "alice", "nope", null, "settings.xml server 'x'")));
        assertTrue(refused.getMessage().contains("refused the credentials for " + host + " from settings.xml server 'x'"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("nope"));
    }

    /** Podman has no /distribution endpoint: whether the registry has a snapshot is asked of the registry itself. */
    @Test
    void aManifestsDigestIsAskedWithAHeadAndTheCredentials() throws IOException {
        String host = start(true);
        RegistryAuth alice = new RegistryAuth(host, "alice", "pw", null, "test");
        assertEquals(java.util.Optional.of("sha256:" + "ab".repeat(32)),
                new RegistryApi().manifestDigest(ImageReference.parse(host + "/team/habitat-x:5-habitat-0123456789abcdef", true), alice));
        assertTrue(seen.stream().anyMatch(l -> l.startsWith("HEAD manifest, accepts ") && l.contains("application/vnd.oci.image.manifest.v1+json")
                && l.contains("application/vnd.docker.distribution.manifest.v2+json")), seen.toString());
        assertEquals(java.util.Optional.empty(),
                new RegistryApi().manifestDigest(ImageReference.parse(host + "/team/habitat-x:6-files-0123456789abcdef", true), alice),
                "a tag the registry does not have");
        var refused = assertThrows(IOException.class, () -> new RegistryApi().manifestDigest(
                ImageReference.parse(host + "/team/habitat-x:5-habitat-0123456789abcdef", true), new RegistryAuth(host, "alice", "nope", null, "x")));
        assertTrue(refused.getMessage().startsWith("unauthorized: "), refused.getMessage());
    }

    @Test
    void bearerChallengeGetsATokenFromTheRealmWithTheCredentials() throws IOException {
        String host = start(true);
        var repo = ImageReference.parse(host + "/team/habitat-x", false);
        assertEquals(2, new RegistryApi().tags(repo, new RegistryAuth(host, "alice", "pw", null, "test")).size());
        assertEquals(List.of("token scope=repository:team/habitat-x:pull&service=test"), seen);
    }

    @Test
    void onlyLoopbackAddressesAreSpokenToInPlainHttp() {
        // loopback: localhost or a literal loopback address, v4 or v6, with or without a port
        for (String host : List.of("localhost", "localhost:5000", "127.0.0.1:5000", "127.255.0.9", "[::1]:5000", "[::1]")) {
            assertTrue(RegistryApi.base(host).startsWith("http://"), host + " -> " + RegistryApi.base(host));
        }
        // names that merely look like one go over HTTPS: their credentials must not cross the network in clear
        for (String host : List.of("127.example.com", "127.example.com:5000", "127.0.0.1.nip.io:5000", "localhost.example.com",
                "127.0.0.256:5000", "10.0.0.1:5000", "[2001:db8::1]:5000", "registry.example.com")) {
            assertTrue(RegistryApi.base(host).startsWith("https://"), host + " -> " + RegistryApi.base(host));
        }
        assertEquals("http://127.0.0.1:5000", RegistryApi.base("127.0.0.1:5000"));
        assertEquals("https://registry-1.docker.io", RegistryApi.base(ImageReference.DOCKER_HUB));
    }
}
