package dev.habitat.core.engine.docker;

import dev.habitat.core.Platform;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.LocalDirectorySSLConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.SSLConfig;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.habitat.core.HabitatException;
import dev.habitat.core.Json;
import dev.habitat.core.engine.BuildEvents;
import dev.habitat.core.engine.BuildOutcome;
import dev.habitat.core.engine.BuildRequest;
import dev.habitat.core.engine.Engine;
import dev.habitat.core.engine.EngineAddress;
import dev.habitat.core.engine.EngineInfo;
import dev.habitat.core.engine.EngineRefusedException;
import dev.habitat.core.engine.EngineSession;
import dev.habitat.core.engine.EngineUnavailableException;
import dev.habitat.core.engine.ImageConfig;
import dev.habitat.core.engine.ImageContent;
import dev.habitat.core.engine.ImageInfo;
import dev.habitat.core.engine.SyncedDir;
import dev.habitat.core.engine.session.BuildSession;
import dev.habitat.core.engine.session.SessionEndpoint;
import dev.habitat.core.registry.RegistryApi;
import dev.habitat.core.registry.RegistryAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The Docker engine, reached through its API with docker-java (never a {@code docker} CLI). BuildKit
 * builds go through the raw {@code POST /build?version=2} with docker-java's low-level HTTP client,
 * since docker-java has no BuildKit support; the response stream is decoded here.
 */
public final class DockerEngine implements Engine {

    private final EngineAddress address;
    private final URI host;
    /** The client certificates of an engine reached with TLS (DOCKER_CERT_PATH), else null. */
    private final SSLConfig certificates;
    private final DockerHttpClient transport;
    private final EngineHttp http;
    private final DockerContainers containers;
    private final RegistryTransfers registry;
    private final BuildRequests builds;
    private DockerClient client; // docker-java's command layer, made on first use: an up-to-date build never needs it
    private EngineInfo info;
    private Boolean containerdStore;
    private Platform platform;

    private DockerEngine(EngineAddress address, URI host, SSLConfig certificates, DockerHttpClient transport) {
        this.address = address;
        this.host = host;
        this.certificates = certificates;
        this.transport = transport;
        this.http = new EngineHttp(transport, host.toString());
        this.containers = new DockerContainers(http, this::client, this::info);
        this.registry = new RegistryTransfers(http, new RegistryApi());
        this.builds = new BuildRequests(http);
    }

    /** docker-java's commands (containers, exec, tags, lists); the requests on every build's path are raw HTTP. */
    private synchronized DockerClient client() {
        if (client == null) {
            DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(address.host())
                    .withDockerTlsVerify(address.tls());
            if (address.tls()) {
                config.withDockerCertPath(address.certPath().toString());
            }
            client = DockerClientImpl.getInstance(config.build(), transport);
        }
        return client;
    }



    /**
     * The engine the docker CLI would use (see {@link EngineLocator}): {@code dockerHost} when not blank, else
     * DOCKER_HOST, the current Docker context, then the default sockets, the first that answers. Fails with
     * every address tried, and why, when none does.
     */
    public static DockerEngine locate(String dockerHost, EngineLocator locator) {
        return firstAnswering(locator.candidates(dockerHost));
    }

    /**
     * The first candidate that answers; a single (named) candidate fails with its own reason. A unix socket that
     * does not exist is passed over without connecting. When none answers, the message lists every address tried
     * and why, once: the failures are attached as suppressed exceptions, not as the cause, whose message Maven
     * would print again.
     */
    static DockerEngine firstAnswering(List<EngineAddress> candidates) {
        List<String> tried = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        for (EngineAddress candidate : candidates) {
            if (candidates.size() > 1 && candidate.host().startsWith("unix://")
                    && !Files.exists(Path.of(candidate.host().substring("unix://".length())))) {
                tried.add(candidate + ": no socket there");
                continue;
            }
            DockerEngine engine = connect(candidate);
            try {
                engine.info();
                return engine;
            } catch (EngineUnavailableException e) {
                engine.close();
                if (candidates.size() == 1) {
                    throw e;
                }
                failures.add(e);
                tried.add(candidate + ": " + Engine.rootCause(e.getCause() == null ? e : e.getCause()));
            }
        }
        EngineUnavailableException none = new EngineUnavailableException("No Docker engine answers. Tried, in order: "
                + String.join("; ", tried) + ". " + START_OR_POINT, null);
        failures.forEach(none::addSuppressed);
        throw none;
    }

    private static final String START_OR_POINT = "Start one (Docker Desktop, OrbStack or Rancher Desktop; 'colima start'; "
            + "'sudo systemctl start docker'; 'systemctl --user start podman.socket' or 'podman machine start'), or point to one with DOCKER_HOST, a Docker context "
            + "(DOCKER_CONTEXT) or -Dhabitat.dockerHost=unix:///path/docker.sock or tcp://host:2376 "
            + "(with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH for TLS).";

    /**
     * Connects to one address, without asking the engine anything yet. Only the HTTP client is made: docker-java's
     * client config (it reads the system properties and the CLI's config.json, 0.1-0.15 s) is made on first use of its
     * commands, which an up-to-date build never needs.
     */
    public static DockerEngine connect(EngineAddress address) {
        URI host = URI.create(address.host());
        // docker-java speaks HTTPS to a tcp engine whenever it has a TLS context, so a plain tcp engine (tcp://localhost:2375)
        // gets none (and docker-java its default one, unused); only a socket or a pipe gets the context that is never made
        SSLConfig certificates = address.tls() ? new LocalDirectorySSLConfig(address.certPath().toString()) : null;
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(host)
                .sslConfig(certificates != null || "tcp".equals(host.getScheme()) ? certificates : NoTls.CONFIG)
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
        return new DockerEngine(address, host, certificates, http);
    }

    /** Where this engine is reached and which setting named it. */
    @Override
    public EngineAddress address() {
        return address;
    }

    @Override
    public String host() {
        return host.toString();
    }

    @Override
    public EngineSession openSession(String name, String sharedKey, Function<String, byte[]> secrets, Map<String, SyncedDir> dirs) {
        return BuildSession.open(sessionEndpoint(), name, sharedKey, secrets, dirs);
    }

    /** Where a BuildKit session connects: this engine's address, with its TLS context when it has one. */
    SessionEndpoint sessionEndpoint() {
        if (certificates == null || !"tcp".equals(host.getScheme())) {
            return new SessionEndpoint(host, null);
        }
        try {
            return new SessionEndpoint(host, certificates.getSSLContext());
        } catch (GeneralSecurityException e) {
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
                EngineHttp.Answer a = http.get("/version", Map.of());
                if (a.status() != 200) {
                    throw unavailable(new IllegalStateException("GET /version answered HTTP " + a.status() + ": " + a.text()));
                }
                JsonNode v = Json.tree(a.body());
                boolean podman = false;
                for (JsonNode c : v.path("Components")) {
                    podman |= c.path("Name").asText().toLowerCase(Locale.ROOT).contains("podman");
                }
                info = new EngineInfo(podman ? EngineInfo.Product.PODMAN : EngineInfo.Product.DOCKER, v.path("Version").asText(null),
                        v.path("ApiVersion").asText(null));
                platform = Platform.ofEngine(v.path("Os").asText(null), v.path("Arch").asText(null));
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
                JsonNode status = Json.tree(http.get("/info", Map.of()).body()).path("DriverStatus");
                containerdStore = status.toString().contains("io.containerd.snapshotter");
            } catch (IOException e) {
                containerdStore = false;
            }
        }
        return containerdStore;
    }

    /** The engine's own platform, from {@code GET /version}'s {@code Os} and {@code Arch}. */
    @Override
    public synchronized Platform platform() {
        info();
        return platform;
    }

    /** Why the engine did not answer, with the way out: TLS problems name the certificates used. */
    private EngineUnavailableException unavailable(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof GeneralSecurityException) {
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
            return own.http.get("/_ping", Map.of()).ok();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public Optional<ImageInfo> inspectImage(String ref) {
        return inspected(ref).map(r -> {
            Map<String, String> labels = new LinkedHashMap<>();
            r.path("Config").path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            return new ImageInfo(r.path("Id").asText(), labels, r.path("Size").asLong(0), r.path("Created").asText(null));
        });
    }

    /** {@code GET /images/{ref}/json}; empty when the engine has no such image. */
    private Optional<JsonNode> inspected(String ref) {
        return inspected(ref, null);
    }

    /** As {@link #inspected(String)}, of the variant for {@code variant} (null: the engine's choice). */
    private Optional<JsonNode> inspected(String ref, Platform variant) {
        try {
            EngineHttp.Answer a = http.get("/images/" + ref + "/json"
                    + (variant == null ? "" : "?platform=" + EngineHttp.enc(variant.json())), Map.of());
            if (a.status() == 404) {
                return Optional.empty();
            }
            if (a.status() != 200) {
                throw HabitatException.ofEnvironment("cannot inspect " + ref + " on " + host() + " (HTTP " + a.status() + "): " + a.text(), null);
            }
            return Optional.of(Json.tree(a.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + ref + " on " + host() + ": " + e.getMessage(), e);
        }
    }

    /** The image's identity by content (see {@link ImageContent}), the same in every image store; empty when absent. */
    @Override
    public Optional<String> contentIdentity(String ref) {
        return inspected(ref).map(ImageContent::identity);
    }

    /**
     * The content identity of {@code ref}'s variant for {@code variant}: the engine's own platform asks as before; another
     * asks {@code GET /images/{ref}/json?platform=} (API 1.49, Docker 28.1), whose answer for a single-platform image of
     * another platform is an error, taken as absent. An older engine cannot tell: empty (the reference alone is hashed).
     */
    @Override
    public Optional<String> contentIdentity(String ref, Platform variant) {
        if (variant.equals(platform())) {
            return contentIdentity(ref);
        }
        if (!info().apiAtLeast(1, 49)) {
            return Optional.empty();
        }
        try {
            return inspected(ref, variant).filter(r -> variant.architecture().equals(r.path("Architecture").asText()))
                    .map(ImageContent::identity);
        } catch (HabitatException e) {
            return Optional.empty();
        }
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
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return Optional.of(List.copyOf(out));
    }


    @Override
    public String startIdleContainer(String image, String name, List<String> binds, List<String> tmpfs, String network, Platform platform) {
        return refusalsNamed("create and start the build container " + name + " from " + image,
                () -> containers.startIdleContainer(image, name, binds, tmpfs, network, platform));
    }

    @Override
    public int exec(String container, String user, String workdir, List<String> env, List<String> argv, Consumer<String> output) {
        return refusalsNamed("run a command as " + user + " in the build container",
                () -> containers.exec(container, user, workdir, env, argv, output));
    }

    @Override
    public void putArchive(String container, String path, byte[] tar) {
        refusalsNamed("copy files into the build container at " + path, () -> {
            containers.putArchive(container, path, tar);
            return null;
        });
    }

    @Override
    public String commit(String container, String repository, String tag, List<String> changes) {
        return refusalsNamed("commit the build container" + (repository == null ? "" : " as " + repository + ":" + tag),
                () -> containers.commit(container, repository, tag, changes));
    }

    @Override
    public void removeContainer(String id) {
        refusalsNamed("remove the build container " + id, () -> {
            containers.removeContainer(id);
            return null;
        });
    }

    @Override
    public List<String> containersNamed(Pattern name) {
        return refusalsNamed("list containers", () -> containers.containersNamed(name));
    }

    @Override
    public BuildOutcome build(BuildRequest request, BuildEvents events) {
        return builds.build(request, events);
    }

    @Override
    public void cancelBuild(String buildId) {
        builds.cancelBuild(buildId);
    }

    @Override
    public TransferResult pull(String ref, RegistryAuth auth) {
        return registry.pull(ref, auth, null);
    }

    @Override
    public TransferResult pull(String ref, RegistryAuth auth, Platform platform) {
        return registry.pull(ref, auth, platform);
    }

    @Override
    public TransferResult inRegistry(String ref, RegistryAuth auth) {
        return registry.inRegistry(ref, auth, info().product() == EngineInfo.Product.PODMAN);
    }

    @Override
    public TransferResult push(String ref, RegistryAuth auth) {
        return registry.push(ref, auth);
    }

    /**
     * Runs {@code action} on a connection of its own to the same engine: for shutdown hooks, which may run
     * while the build thread closes this engine's connection pool.
     */
    @Override
    public void withOwnConnection(Consumer<Engine> action) {
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
        return refusalsNamed("list the images of " + repository, () -> client().listImagesCmd().withImageNameFilter(repository).exec()).stream()
                .filter(i -> i.getRepoTags() != null)
                .flatMap(i -> Arrays.stream(i.getRepoTags()))
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


    /** Removes a tag (the image goes when it was its last tag); a missing tag is not an error. */
    @Override
    public void removeTag(String ref) {
        refusalsNamed("remove the tag " + ref, () -> {
            try {
                client().removeImageCmd(ref).withForce(false).exec();
            } catch (NotFoundException e) {
                // already gone
            } catch (ConflictException e) {
                // used by a container: keep it; our labels make it stale anyway
            }
            return null;
        });
    }




    @Override
    public void tag(String image, String ref) {
        String[] rt = RegistryTransfers.repositoryAndTag(ref);
        refusalsNamed("tag " + image + " as " + ref, () -> client().tagImageCmd(image, rt[0], rt[1]).exec());
    }




    /**
     * Runs a docker-java command; an error status the engine answered becomes {@link EngineRefusedException}
     * naming this engine and {@code what} (so no docker-java exception reaches the user); a raw request's refusal,
     * already worded, gets the engine's name in front.
     */
    private <T> T refusalsNamed(String what, Supplier<T> command) {
        try {
            return command.get();
        } catch (DockerException e) {
            throw new EngineRefusedException(engineName(), what, e.getHttpStatus(), engineWords(e.getMessage()), e);
        } catch (EngineRefusedException e) {
            throw new EngineRefusedException(engineName(), what, e.status(), e.detail(), e);
        } catch (EngineUnavailableException e) {
            throw e;
        } catch (HabitatException e) {
            throw HabitatException.ofEnvironment(engineName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The engine's own words in docker-java's message ({@code Status 500: {"cause":...,"message":"..."}}): the
     * body's {@code message} when it is JSON, else the body.
     */
    static String engineWords(String dockerJavaMessage) {
        String body = dockerJavaMessage == null ? "" : dockerJavaMessage.replaceFirst("^Status \\d+: ", "").trim();
        try {
            JsonNode n = Json.tree(body);
            if (n != null && n.hasNonNull("message")) {
                return n.get("message").asText();
            }
        } catch (IOException notJson) {
            // the body as it is
        }
        return body;
    }

    /** The engine as messages name it: product, version and where ("Podman 5.8.6 at unix:///run/podman/podman.sock"). */
    private String engineName() {
        try {
            EngineInfo i = info();
            return i.product().label() + " " + i.version() + " at " + host();
        } catch (RuntimeException e) {
            return "the engine at " + host();
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (client != null) {
                client.close();
            } else {
                transport.close();
            }
        } catch (IOException e) {
            // closing a connection pool: nothing to report
        }
    }
}
