package dev.habitat.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import dev.habitat.core.registry.RegistryAuth;

/**
 * The Docker engine, reached through its API with docker-java (never a {@code docker} CLI). BuildKit
 * builds go through the raw {@code POST /build?version=2} with docker-java's low-level HTTP client,
 * since docker-java has no BuildKit support; the response stream is decoded here.
 */
public final class DockerEngine implements Engine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EngineAddress address;
    private final DockerClientConfig config;
    private final DockerHttpClient http;
    private DockerClient client; // docker-java's command layer, made on first use: an up-to-date build never needs it
    private EngineInfo info;
    private Boolean containerdStore;

    private DockerEngine(EngineAddress address, DockerClientConfig config, DockerHttpClient http) {
        this.address = address;
        this.config = config;
        this.http = http;
    }

    /** docker-java's commands (containers, exec, tags, lists); the requests on every build's path are raw HTTP. */
    private synchronized DockerClient client() {
        if (client == null) {
            client = DockerClientImpl.getInstance(config, http);
        }
        return client;
    }

    /** An engine's answer to a raw request: the status and the whole body. */
    private record Answer(int status, byte[] body) {
        boolean ok() {
            return status / 100 == 2;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8).trim();
        }
    }

    /** A raw GET with the given headers; transport failures are the caller's to word. */
    private Answer get(String path, Map<String, String> headers) throws IOException {
        DockerHttpClient.Request.Builder b = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path);
        headers.forEach(b::putHeader);
        try (DockerHttpClient.Response resp = http.execute(b.build())) {
            return new Answer(resp.getStatusCode(), resp.getBody().readAllBytes());
        }
    }

    /**
     * The engine the docker CLI would use (see {@link EngineLocator}): {@code dockerHost} when not blank, else
     * DOCKER_HOST, the current Docker context, then the default sockets, the first that answers. Fails with
     * every address tried, and why, when none does.
     */
    public static DockerEngine locate(String dockerHost, EngineLocator locator) {
        return firstAnswering(locator.candidates(dockerHost));
    }

    /** The first candidate that answers; a single (named) candidate fails with its own reason. */
    static DockerEngine firstAnswering(List<EngineAddress> candidates) {
        List<String> tried = new java.util.ArrayList<>();
        EngineUnavailableException last = null;
        for (EngineAddress candidate : candidates) {
            DockerEngine engine = connect(candidate);
            try {
                engine.info();
                return engine;
            } catch (EngineUnavailableException e) {
                engine.close();
                last = e;
                tried.add(candidate + ": " + Engine.rootCause(e.getCause() == null ? e : e.getCause()));
            }
        }
        if (candidates.size() == 1) {
            throw last;
        }
        throw new EngineUnavailableException("No Docker engine answers. Tried, in order: " + String.join("; ", tried)
                + ". " + START_OR_POINT, last);
    }

    private static final String START_OR_POINT = "Start one (for example 'sudo systemctl start docker' or "
            + "'systemctl --user start podman.socket'), or point to one with DOCKER_HOST, a Docker context "
            + "(DOCKER_CONTEXT) or -Dhabitat.dockerHost=unix:///path/docker.sock or tcp://host:2376 "
            + "(with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH for TLS).";

    /** Connects to one address, without asking the engine anything yet. */
    public static DockerEngine connect(EngineAddress address) {
        DefaultDockerClientConfig.Builder b = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(address.host())
                .withDockerTlsVerify(address.tls());
        if (address.tls()) {
            b.withDockerCertPath(address.certPath().toString());
        }
        DockerClientConfig config = b.build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(address.tls() ? config.getSSLConfig() : null)
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
        return new DockerEngine(address, config, http);
    }

    /** Where this engine is reached and which setting named it. */
    @Override
    public EngineAddress address() {
        return address;
    }

    @Override
    public String host() {
        return config.getDockerHost().toString();
    }

    /** Where a BuildKit session connects: this engine's address, with its TLS context when it has one. */
    @Override
    public SessionEndpoint sessionEndpoint() {
        var ssl = config.getSSLConfig();
        if (!address.tls() || ssl == null || !"tcp".equals(config.getDockerHost().getScheme())) {
            return new SessionEndpoint(config.getDockerHost(), null);
        }
        try {
            return new SessionEndpoint(config.getDockerHost(), ssl.getSSLContext());
        } catch (java.security.GeneralSecurityException e) {
            throw new EngineUnavailableException("cannot read the TLS client certificate for " + address + ": "
                    + e.getMessage() + ". Check ca.pem, cert.pem and key.pem there.", e);
        }
    }

    /**
     * Docker or Podman, from {@code GET /version}: Podman lists a component named "Podman Engine". Asked once
     * per connection.
     */
    @Override
    public synchronized EngineInfo info() {
        if (info == null) {
            if (address.tls()) {
                for (String file : List.of("ca.pem", "cert.pem", "key.pem")) {
                    if (!Files.isRegularFile(address.certPath().resolve(file))) {
                        throw new EngineUnavailableException("The engine at " + host() + " needs TLS (" + address.source()
                                + " with DOCKER_TLS_VERIFY) but " + address.certPath().resolve(file)
                                + " does not exist: put the engine's ca.pem and your client cert.pem and key.pem in "
                                + address.certPath() + " (DOCKER_CERT_PATH).", null);
                    }
                }
            }
            try {
                Answer a = get("/version", Map.of());
                if (a.status() != 200) {
                    throw unavailable(new IllegalStateException("GET /version answered HTTP " + a.status() + ": " + a.text()));
                }
                JsonNode v = JSON.readTree(a.body());
                boolean podman = false;
                for (JsonNode c : v.path("Components")) {
                    podman |= c.path("Name").asText().toLowerCase(java.util.Locale.ROOT).contains("podman");
                }
                info = new EngineInfo(podman ? EngineInfo.Product.PODMAN : EngineInfo.Product.DOCKER, v.path("Version").asText(null),
                        v.path("ApiVersion").asText(null));
            } catch (IOException | RuntimeException e) {
                throw e instanceof EngineUnavailableException u ? u : unavailable(e);
            }
        }
        return info;
    }

    /**
     * Whether the engine keeps images in the containerd image store (Docker 24+ with the containerd snapshotter, the
     * default of Docker Desktop and of new installs since 29): {@code GET /info} lists the driver type
     * {@code io.containerd.snapshotter.v1}. Asked once per connection.
     */
    @Override
    public synchronized boolean containerdImageStore() {
        if (containerdStore == null) {
            try {
                JsonNode status = JSON.readTree(get("/info", Map.of()).body()).path("DriverStatus");
                containerdStore = status.toString().contains("io.containerd.snapshotter");
            } catch (IOException e) {
                containerdStore = false;
            }
        }
        return containerdStore;
    }

    /** Why the engine did not answer, with the way out: TLS problems name the certificates used. */
    private EngineUnavailableException unavailable(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.GeneralSecurityException) {
                String certs = address.tls() ? "the certificates in " + address.certPath() : "no client certificate";
                return new EngineUnavailableException("The TLS connection to the engine at " + host() + " (" + address.source()
                        + ") failed with " + certs + ": " + Engine.rootCause(t) + ". Check that ca.pem there is the CA that signed "
                        + "the engine's certificate and that the engine trusts cert.pem (DOCKER_CERT_PATH).", e);
            }
        }
        return new EngineUnavailableException("No Docker engine answers at " + host() + " (" + address.source() + ": "
                + Engine.rootCause(e) + "). " + START_OR_POINT, e);
    }

    /** The engine's version line; fails with how to start or point to an engine when none answers. */
    @Override
    public String ping() {
        EngineInfo i = info();
        return i.product().label() + " " + i.version() + " (API " + i.apiVersion() + ")";
    }

    /** Whether the engine answers a ping on a fresh connection (after a request failed in the middle). */
    @Override
    public boolean responds() {
        try (DockerEngine own = connect(address)) {
            return own.get("/_ping", Map.of()).ok();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public Optional<ImageInfo> inspectImage(String ref) {
        return inspected(ref).map(r -> {
            Map<String, String> labels = new java.util.LinkedHashMap<>();
            r.path("Config").path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            return new ImageInfo(r.path("Id").asText(), labels, r.path("Size").asLong(0), r.path("Created").asText(null));
        });
    }

    /** {@code GET /images/{ref}/json}; empty when the engine has no such image. */
    private Optional<JsonNode> inspected(String ref) {
        try {
            Answer a = get("/images/" + ref + "/json", Map.of());
            if (a.status() == 404) {
                return Optional.empty();
            }
            if (a.status() != 200) {
                throw new IllegalStateException("cannot inspect " + ref + " on " + host() + " (HTTP " + a.status() + "): " + a.text());
            }
            return Optional.of(JSON.readTree(a.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + ref + " on " + host() + ": " + e.getMessage(), e);
        }
    }

    /** The image's identity by content (see {@link ImageContent}), the same in every image store; empty when absent. */
    @Override
    public Optional<String> contentIdentity(String ref) {
        return inspected(ref).map(ImageContent::identity);
    }

    @Override
    public Optional<ImageConfig> imageConfig(String ref) {
        return inspected(ref).map(r -> {
            JsonNode c = r.path("Config");
            return new ImageConfig(strings(c.path("Env")).orElse(List.of()), strings(c.path("Entrypoint")).orElse(null),
                    strings(c.path("Cmd")).orElse(null), c.path("User").asText(null), c.path("WorkingDir").asText(null));
        });
    }

    /** A JSON array of strings; empty when the value is absent or null. */
    private static Optional<List<String>> strings(JsonNode array) {
        if (!array.isArray()) {
            return Optional.empty();
        }
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return Optional.of(List.copyOf(out));
    }

    /**
     * Creates and starts a container that only waits, for the docker-exec method: root, the
     * given binds ({@code host:container[:opts]}, named volumes too), and the network mode.
     *
     * <p>On Podman the container is created through its own API with no default environment: Podman adds
     * {@code container=podman} and {@code TERM=xterm} to every container, and its commit writes a container's
     * environment into the image, which Docker's does not. The method passes each step's environment anyway.
     */
    @Override
    public String startIdleContainer(String image, String name, List<String> binds, List<String> tmpfs, String network) {
        String id = info().product() == EngineInfo.Product.PODMAN
                ? createIdleOnPodman(image, name, binds, tmpfs, network)
                : createIdleOnDocker(image, name, binds, tmpfs, network);
        client().startContainerCmd(id).exec();
        return id;
    }

    private static final List<String> IDLE_ENTRYPOINT = List.of("/bin/sh", "-c");
    private static final String IDLE_COMMAND = "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done";

    private String createIdleOnDocker(String image, String name, List<String> binds, List<String> tmpfs, String network) {
        var host = com.github.dockerjava.api.model.HostConfig.newHostConfig()
                .withBinds(binds.stream().map(com.github.dockerjava.api.model.Bind::parse).toList());
        if (!tmpfs.isEmpty()) {
            Map<String, String> mounts = new java.util.LinkedHashMap<>();
            tmpfs.forEach(path -> mounts.put(path, "mode=0755"));
            host.withTmpFs(mounts);
        }
        if (network != null && !network.equals("default")) {
            host.withNetworkMode(network);
        }
        return client().createContainerCmd(image).withName(name).withUser("0")
                .withEntrypoint(IDLE_ENTRYPOINT.toArray(String[]::new)).withCmd(IDLE_COMMAND)
                .withHostConfig(host).exec().getId();
    }

    /** Podman's {@code POST /libpod/containers/create} (a SpecGenerator), with {@code unsetenvall}. */
    private String createIdleOnPodman(String image, String name, List<String> binds, List<String> tmpfs, String network) {
        var spec = JSON.createObjectNode().put("image", image).put("name", name).put("user", "0").put("unsetenvall", true);
        IDLE_ENTRYPOINT.forEach(spec.putArray("entrypoint")::add);
        spec.putArray("command").add(IDLE_COMMAND);
        var mounts = spec.putArray("mounts");
        var volumes = spec.putArray("volumes");
        for (String b : binds) {
            var bind = com.github.dockerjava.api.model.Bind.parse(b);
            boolean readOnly = bind.getAccessMode() == com.github.dockerjava.api.model.AccessMode.ro;
            if (bind.getPath().startsWith("/")) {
                var m = mounts.addObject().put("type", "bind").put("source", bind.getPath()).put("destination", bind.getVolume().getPath());
                m.putArray("options").add("rbind").add(readOnly ? "ro" : "rw");
            } else {
                var v = volumes.addObject().put("Name", bind.getPath()).put("Dest", bind.getVolume().getPath());
                v.putArray("Options").add(readOnly ? "ro" : "rw");
            }
        }
        for (String path : tmpfs) {
            mounts.addObject().put("type", "tmpfs").put("source", "tmpfs").put("destination", path).putArray("options").add("mode=0755");
        }
        if (network != null && !network.equals("default")) {
            spec.putObject("netns").put("nsmode", network);
        }
        String body = post("/v4.0.0/libpod/containers/create", spec.toString(), "create the build container " + name);
        try {
            return JSON.readTree(body).path("Id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("unexpected answer to creating " + name + ": " + body, e);
        }
    }

    /** A raw JSON POST; the body of a 2xx answer, else a clear failure naming {@code what}. */
    private String post(String path, String json, String what) {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST).path(path)
                .putHeader("Content-Type", "application/json").bodyBytes(json.getBytes(StandardCharsets.UTF_8)).build();
        try (DockerHttpClient.Response resp = http.execute(req)) {
            String body = new String(resp.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (resp.getStatusCode() / 100 != 2) {
                throw new IllegalStateException("cannot " + what + " on " + host() + " (HTTP " + resp.getStatusCode() + "): " + body.trim());
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + what + " on " + host() + ": " + e.getMessage(), e);
        }
    }

    /** Runs a command in a container and returns its exit code; output lines go to {@code output}. */
    @Override
    public int exec(String container, String user, String workdir, List<String> env, List<String> argv,
                    java.util.function.Consumer<String> output) {
        String execId = client().execCreateCmd(container).withUser(user).withWorkingDir(workdir).withEnv(env)
                .withCmd(argv.toArray(String[]::new)).withAttachStdout(true).withAttachStderr(true).exec().getId();
        StringBuilder partial = new StringBuilder();
        try {
            client().execStartCmd(execId).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                @Override
                public void onNext(com.github.dockerjava.api.model.Frame frame) {
                    partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        output.accept(partial.substring(0, nl));
                        partial.delete(0, nl + 1);
                    }
                }
            }).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running a command in " + container, e);
        }
        if (partial.length() > 0) {
            output.accept(partial.toString());
        }
        Long code = client().inspectExecCmd(execId).exec().getExitCodeLong();
        return code == null ? -1 : code.intValue();
    }

    /** Extracts a tar into a container at {@code path}, keeping the modes of its entries. */
    @Override
    public void putArchive(String container, String path, byte[] tar) {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.PUT)
                .path("/containers/" + enc(container) + "/archive?path=" + enc(path))
                .putHeader("Content-Type", "application/x-tar").bodyBytes(tar).build();
        try (DockerHttpClient.Response resp = http.execute(req)) {
            String body = new String(resp.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (resp.getStatusCode() / 100 != 2) {
                throw new IllegalStateException("copy into " + container + ":" + path + " failed (HTTP "
                        + resp.getStatusCode() + "): " + body.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copy into " + container + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Commits a container as {@code repository:tag}, applying Dockerfile-style {@code changes} (ENV, LABEL,
     * USER, WORKDIR, ENTRYPOINT, CMD). Raw call: docker-java's CommitCmd cannot send {@code changes}.
     */
    @Override
    public String commit(String container, String repository, String tag, List<String> changes) {
        StringJoiner q = new StringJoiner("&", "/commit?", "");
        q.add("container=" + enc(container)).add("repo=" + enc(repository)).add("tag=" + enc(tag)).add("pause=true");
        changes.forEach(c -> q.add("changes=" + enc(c)));
        String body = post(q.toString(), "{}", "commit " + container);
        try {
            return imageIdOf(JSON.readTree(body).path("Id").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("unexpected answer to the commit of " + container + ": " + body, e);
        }
    }

    /** An image id in the form image inspection gives ({@code sha256:...}); Podman's commit answers the bare hex. */
    static String imageIdOf(String id) {
        return id.isEmpty() || id.contains(":") ? id : "sha256:" + id;
    }

    @Override
    public void removeContainer(String id) {
        try {
            client().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // gone already
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            // "removal already in progress" (a shutdown hook got there first): it is going
        }
    }

    /**
     * Runs {@code action} on a connection of its own to the same engine: for shutdown hooks, which may run
     * while the build thread closes this engine's connection pool.
     */
    @Override
    public void withOwnConnection(java.util.function.Consumer<Engine> action) {
        try (DockerEngine own = connect(address)) {
            action.accept(own);
        } catch (RuntimeException e) {
            // best effort while the JVM stops
        }
    }

    /**
     * Every tag of a repository ({@code habitat-x:1-base}, ...), sorted, in the short form the plugin tags with
     * (Podman lists {@code docker.io/library/habitat-x:1-base} or {@code localhost/habitat-x:1-base}).
     */
    @Override
    public List<String> tagsOf(String repository) {
        return client().listImagesCmd().withImageNameFilter(repository).exec().stream()
                .filter(i -> i.getRepoTags() != null)
                .flatMap(i -> java.util.Arrays.stream(i.getRepoTags()))
                .map(DockerEngine::shortName)
                .filter(t -> t.startsWith(repository + ":"))
                .distinct().sorted().toList();
    }

    /** {@code docker.io/library/x:t} and {@code localhost/x:t} as {@code x:t}. */
    static String shortName(String reference) {
        for (String prefix : List.of("docker.io/library/", "localhost/")) {
            if (reference.startsWith(prefix)) {
                return reference.substring(prefix.length());
            }
        }
        return reference;
    }

    /** Ids of containers (running or not) whose name matches {@code name} exactly (a regex). */
    @Override
    public List<String> containersNamed(java.util.regex.Pattern name) {
        return client().listContainersCmd().withShowAll(true).exec().stream()
                .filter(c -> c.getNames() != null && java.util.Arrays.stream(c.getNames())
                        .anyMatch(n -> name.matcher(n.startsWith("/") ? n.substring(1) : n).matches()))
                .map(com.github.dockerjava.api.model.Container::getId).toList();
    }

    /** Removes a tag (the image goes when it was its last tag); a missing tag is not an error. */
    @Override
    public void removeTag(String ref) {
        try {
            client().removeImageCmd(ref).withForce(false).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            // used by a container: keep it; our labels make it stale anyway
        }
    }

    /**
     * Runs one BuildKit build and streams its progress to {@code events}. A failing build ends with
     * {@code errorDetail} in the stream while the HTTP status stays 200: that becomes the outcome's error.
     * Without a context tar, the engine pulls the context and the Dockerfile through the request's session
     * ({@code remote=client-session}), as current Docker clients send them.
     */
    @Override
    public BuildOutcome build(BuildRequest request, BuildEvents events) {
        StringJoiner q = new StringJoiner("&", "/build?", "");
        q.add("version=2").add("dockerfile=Dockerfile").add("rm=1").add("forcerm=1");
        if (request.target() != null) {
            q.add("target=" + enc(request.target()));
        }
        for (String t : request.tags()) {
            q.add("t=" + enc(t));
        }
        if (!request.buildArgs().isEmpty()) {
            q.add("buildargs=" + enc(json(request.buildArgs())));
        }
        if (!request.labels().isEmpty()) {
            q.add("labels=" + enc(json(request.labels())));
        }
        if (request.network() != null && !request.network().equals("default")) {
            q.add("networkmode=" + enc(request.network()));
        }
        if (request.noCache()) {
            q.add("nocache=1");
        }
        if (request.buildId() != null) {
            q.add("buildid=" + enc(request.buildId()));
        }
        if (request.sessionId() != null) {
            q.add("session=" + enc(request.sessionId()));
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
                try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(resp.getBody())) {
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
            throw new UncheckedIOException("the build stream from " + host() + " broke: " + e.getMessage(), e);
        }
        return new BuildOutcome(imageId, error);
    }

    /**
     * {@code POST /images/create?fromImage=}: a missing tag is an HTTP 404, a registry the engine cannot reach or
     * that refuses the credentials an HTTP 500, each with the engine's message; errors after the pull started come
     * in the stream. The bytes are the sum of each layer's download size.
     */
    @Override
    public TransferResult pull(String ref, RegistryAuth auth) {
        String[] rt = repositoryAndTag(ref);
        return transfer("/images/create?fromImage=" + enc(rt[0]) + "&tag=" + enc(rt[1]), auth, "Downloading");
    }

    /**
     * {@code GET /distribution/{name}/json}: the engine asks the registry for the manifest's descriptor. An engine
     * without the endpoint (an old Podman) answers 404 like a missing tag: the caller then pushes, which is harmless.
     */
    @Override
    public TransferResult inRegistry(String ref, RegistryAuth auth) {
        try {
            Answer a = get("/distribution/" + ref + "/json", Map.of("X-Registry-Auth", auth.header()));
            return a.status() == 200 ? TransferResult.done(0) : refusal(a.status(), a.text());
        } catch (IOException e) {
            return TransferResult.failed(0, "the engine's answer broke: " + e.getMessage());
        }
    }

    /** {@code POST /images/{name}/push?tag=}: failures come in the stream of an HTTP 200. */
    @Override
    public TransferResult push(String ref, RegistryAuth auth) {
        String[] rt = repositoryAndTag(ref);
        return transfer("/images/" + rt[0] + "/push?tag=" + enc(rt[1]), auth, "Pushing");
    }

    private TransferResult transfer(String path, RegistryAuth auth, String progressStatus) {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST).path(path)
                .putHeader("X-Registry-Auth", auth.header()).build();
        try (DockerHttpClient.Response resp = http.execute(req)) {
            if (resp.getStatusCode() / 100 != 2) {
                return refusal(resp.getStatusCode(), new String(resp.getBody().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
            Map<String, Long> layerBytes = new java.util.HashMap<>();
            try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(resp.getBody())) {
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
            message = JSON.readTree(body).path("message").asText(body);
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

    @Override
    public void tag(String image, String ref) {
        String[] rt = repositoryAndTag(ref);
        client().tagImageCmd(image, rt[0], rt[1]).exec();
    }

    /** Asks the engine to stop a running build (Ctrl-C, a failing Maven build). Best effort. */
    @Override
    public void cancelBuild(String buildId) {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path("/build/cancel?id=" + enc(buildId))
                .build();
        try (DockerHttpClient.Response resp = http.execute(req)) {
            resp.getBody().readAllBytes();
        } catch (IOException | RuntimeException e) {
            // The build may be over already; nothing else to do.
        }
    }

    private static String json(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(new java.util.TreeMap<>(m));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        try {
            if (client != null) {
                client.close();
            } else {
                http.close();
            }
        } catch (IOException e) {
            // closing a connection pool: nothing to report
        }
    }
}
