package dev.habitat.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.habitat.core.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The registry calls the engine API has no counterpart for: listing a repository's tags
 * ({@code GET /v2/<name>/tags/list}, the distribution API), and asking for a manifest's digest
 * ({@code HEAD /v2/<name>/manifests/<tag>}) where the engine has no {@code /distribution} endpoint (Podman). It answers a registry's challenge as the docker CLI
 * does: {@code Basic} with the credentials, or {@code Bearer} with a token from the challenge's realm (asked with
 * the credentials). {@code localhost} and literal loopback addresses (127.0.0.0/8, ::1) are spoken to in plain HTTP
 * (engines treat them as insecure registries), every other host in HTTPS.
 */
public final class RegistryApi {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Pattern IPV4_LITERAL = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** Hex groups, colons, and an embedded IPv4 tail; no zone id (a loopback address has none). */
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Made on the first request: making it loads the JDK's trust store (0.1-0.3 s), which a build with no registry never needs. */
    private HttpClient http;

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return http;
    }

    /** Every tag of {@code repository}; empty when the repository does not exist. */
    public List<String> tags(ImageReference repository, RegistryAuth auth) throws IOException {
        URI uri = URI.create(base(repository.host()) + "/v2/" + repository.repository() + "/tags/list?n=1000");
        HttpResponse<String> r = ask(() -> HttpRequest.newBuilder(uri).GET(), uri, repository, auth);
        if (r.statusCode() == 404) {
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        Json.tree(r.body()).path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    /**
     * The digest of the manifest {@code reference} names ({@code Docker-Content-Digest} of a {@code HEAD}); empty when
     * the registry has no such tag (or repository). Refused credentials: an IOException whose message says
     * {@code unauthorized}.
     */
    public Optional<String> manifestDigest(ImageReference reference, RegistryAuth auth) throws IOException {
        URI uri = manifestUri(reference);
        HttpResponse<String> r = ask(() -> manifestRequest(uri, "HEAD", null, null), uri, reference, auth);
        return r.statusCode() == 404 ? Optional.empty() : r.headers().firstValue("Docker-Content-Digest");
    }

    /** A request answered as {@link #exchange} does; 200 or 404, else an IOException naming the registry. */
    private HttpResponse<String> ask(Supplier<HttpRequest.Builder> request, URI uri, ImageReference repository, RegistryAuth auth)
            throws IOException {
        HttpResponse<String> r = exchange(request, repository, auth);
        if (r.statusCode() != 200 && r.statusCode() != 404) {
            throw new IOException("the registry " + repository.host() + " answered HTTP " + r.statusCode() + " to " + uri.getPath());
        }
        return r;
    }

    /** Media types of a manifest and of an index, Docker's and OCI's: the ones engines push (a registry answers any of them). */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    /**
     * What a registry holds under a reference ({@code GET /v2/<name>/manifests/<tag>}): its media type, digest, size
     * and the manifest's JSON (an index's lists its platforms' manifests).
     */
    public record Manifest(String mediaType, String digest, long size, JsonNode json) {
    }

    /** The manifest or index {@code image} names (its tag); fails when the registry has none or refuses. */
    public Manifest manifest(ImageReference image, RegistryAuth auth) throws IOException {
        URI uri = manifestUri(image);
        HttpResponse<String> r = exchange(() -> manifestRequest(uri, "GET", null, null), image, auth);
        if (r.statusCode() != 200) {
            throw new IOException("the registry " + image.host() + " answered HTTP " + r.statusCode() + " to GET " + uri.getPath()
                    + ": " + r.body().strip());
        }
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        JsonNode json = Json.tree(r.body());
        String type = r.headers().firstValue("Content-Type").orElse(json.path("mediaType").asText(""));
        String digest = r.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (digest == null) {
            digest = "sha256:" + java.util.HexFormat.of().formatHex(sha256(body));
        }
        return new Manifest(type, digest, body.length, json);
    }

    /**
     * Puts {@code manifest} (an index, of {@code mediaType}) under {@code image}'s tag ({@code PUT /v2/<name>/manifests/<tag>});
     * the manifests it lists must be in the same repository already. Returns the digest the registry gives it.
     */
    public String putManifest(ImageReference image, String mediaType, String manifest, RegistryAuth auth) throws IOException {
        URI uri = manifestUri(image);
        HttpResponse<String> r = exchange(() -> manifestRequest(uri, "PUT", mediaType, manifest), image, auth);
        if (r.statusCode() / 100 != 2) {
            throw new IOException("the registry " + image.host() + " answered HTTP " + r.statusCode() + " to PUT " + uri.getPath()
                    + ": " + r.body().strip());
        }
        return r.headers().firstValue("Docker-Content-Digest").orElse("");
    }

    /**
     * One request, answering a 401's challenge once (the challenge's scope asks for push when the request writes);
     * refused credentials (401 or 403) are an IOException whose message says {@code unauthorized} and names the registry.
     */
    private HttpResponse<String> exchange(Supplier<HttpRequest.Builder> request, ImageReference repository, RegistryAuth auth)
            throws IOException {
        HttpResponse<String> r = send(request.get(), null);
        if (r.statusCode() == 401) {
            String header = r.headers().firstValue("WWW-Authenticate").orElse("");
            r = send(request.get(), authorization(header, repository, auth));
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new IOException("unauthorized: the registry " + repository.host() + " refused the " + auth + " (HTTP " + r.statusCode() + ")");
        }
        return r;
    }

    /** {@code /v2/<name>/manifests/<tag>} of {@code image} ({@code latest} when it names no tag). */
    private static URI manifestUri(ImageReference image) {
        return URI.create(base(image.host()) + "/v2/" + image.repository() + "/manifests/"
                + (image.tag() == null ? "latest" : image.tag()));
    }

    /** A manifest request accepting every manifest and index type; with a body of {@code contentType} when it writes. */
    private static HttpRequest.Builder manifestRequest(URI uri, String method, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", ACCEPT);
        if (body == null) {
            return b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String base(String host) {
        String h = host.equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : host;
        return (isLoopback(host) ? "http://" : "https://") + h;
    }

    /**
     * Whether {@code host[:port]} is this machine: {@code localhost}, or a literal IPv4 or bracketed IPv6 address
     * in the loopback range. Decided from the text alone (no DNS): a name such as {@code 127.example.com} may point
     * anywhere, and the credentials sent to it in plain HTTP would cross the network in clear.
     */
    static boolean isLoopback(String host) {
        String name;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = host.substring(1, close);
            if (!IPV6_LITERAL.matcher(name).matches()) {
                return false;
            }
        } else {
            name = host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
            if (name.equalsIgnoreCase("localhost")) {
                return true;
            }
            Matcher v4 = IPV4_LITERAL.matcher(name);
            if (!v4.matches() || !IntStream.rangeClosed(1, 4).allMatch(g -> Integer.parseInt(v4.group(g)) <= 255)) {
                return false;
            }
        }
        try {
            // a literal address: InetAddress parses it without a lookup
            return InetAddress.getByName(host.startsWith("[") ? "[" + name + "]" : name).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The Authorization header answering a challenge, or null when there is nothing to answer it with. */
    private String authorization(String challenge, ImageReference repository, RegistryAuth auth) throws IOException {
        String basic = auth.username() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (auth.username() + ":" + (auth.password() == null ? "" : auth.password())).getBytes(StandardCharsets.UTF_8));
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return basic;
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            return null;
        }
        String scope = params.getOrDefault("scope", "repository:" + repository.repository() + ":pull");
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?").append("scope=").append(enc(scope));
        Optional.ofNullable(params.get("service")).ifPresent(s -> q.append("&service=").append(enc(s)));
        HttpResponse<String> t = send(HttpRequest.newBuilder(URI.create(q.toString())).GET(), basic);
        if (t.statusCode() != 200) {
            throw new IOException("unauthorized: the token service of " + repository.host() + " refused the " + auth + " (HTTP " + t.statusCode() + ")");
        }
        JsonNode token = Json.tree(t.body());
        String value = token.hasNonNull("token") ? token.get("token").asText() : token.path("access_token").asText(null);
        return value == null ? null : "Bearer " + value;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String authorization) throws IOException {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http().send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
