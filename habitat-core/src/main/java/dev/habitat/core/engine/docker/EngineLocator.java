package dev.habitat.core.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.habitat.core.Json;
import dev.habitat.core.engine.EngineAddress;
import dev.habitat.core.engine.EngineUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Finds the engine the way the docker CLI and Testcontainers do: {@code -Dhabitat.dockerHost}, then
 * {@code DOCKER_HOST} (with {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH}), then the current Docker
 * context ({@code DOCKER_CONTEXT}, else {@code currentContext} in {@code $DOCKER_CONFIG/config.json}, its endpoint
 * in {@code contexts/meta/<sha256 of the name>/meta.json} and its certificates in {@code contexts/tls/...}).
 * A setting that names an engine is the only candidate (a build never silently goes to another engine); with
 * none, the well-known sockets of the engines developers run are candidates in order (see
 * {@link #wellKnownSockets}).
 *
 * @param root the file system root the system-wide sockets are under ({@code /}; a test gives a directory)
 */
public record EngineLocator(Map<String, String> env, Path home, Path root, boolean windows) {

    /** A Linux or macOS host whose system sockets are under {@code /}. */
    public EngineLocator(Map<String, String> env, Path home) {
        this(env, home, Path.of("/"), false);
    }

    public static EngineLocator ofThisProcess() {
        return new EngineLocator(System.getenv(), Path.of(System.getProperty("user.home")), Path.of("/"),
                System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows"));
    }

    /** The addresses to try, in order. */
    public List<EngineAddress> candidates(String explicitHost) {
        if (present(explicitHost)) {
            return List.of(new EngineAddress(explicitHost.trim(), tlsFromEnv(explicitHost), "-Dhabitat.dockerHost"));
        }
        String dockerHost = env.get("DOCKER_HOST");
        if (present(dockerHost)) {
            return List.of(new EngineAddress(dockerHost.trim(), tlsFromEnv(dockerHost), "DOCKER_HOST"));
        }
        EngineAddress fromContext = currentContext();
        if (fromContext != null) {
            return List.of(fromContext);
        }
        return wellKnownSockets();
    }

    /**
     * Where the engines developers run put their API socket, in the order they are tried: Docker (rootful, then
     * rootless), Docker Desktop (macOS since 4.13, then Linux), Colima (current, then before 0.4), OrbStack, Rancher
     * Desktop, Podman (rootless, then rootful); on Windows the named pipes of Docker Desktop and Podman machine.
     */
    List<EngineAddress> wellKnownSockets() {
        if (windows) {
            return List.of(new EngineAddress("npipe:////./pipe/docker_engine", null, "Docker Desktop's pipe"),
                    new EngineAddress("npipe:////./pipe/podman-machine-default", null, "Podman machine's pipe"));
        }
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        List<EngineAddress> sockets = new ArrayList<>();
        sockets.add(socket(root.resolve("var/run/docker.sock"), "default socket"));
        if (present(runtimeDir)) {
            sockets.add(socket(Path.of(runtimeDir, "docker.sock"), "rootless Docker socket"));
        }
        sockets.add(socket(home.resolve(".docker/run/docker.sock"), "Docker Desktop socket (macOS)"));
        sockets.add(socket(home.resolve(".docker/desktop/docker.sock"), "Docker Desktop socket (Linux)"));
        sockets.add(socket(home.resolve(".colima/default/docker.sock"), "Colima socket"));
        sockets.add(socket(home.resolve(".colima/docker.sock"), "Colima socket (before 0.4)"));
        sockets.add(socket(home.resolve(".orbstack/run/docker.sock"), "OrbStack socket"));
        sockets.add(socket(home.resolve(".rd/docker.sock"), "Rancher Desktop socket"));
        if (present(runtimeDir)) {
            sockets.add(socket(Path.of(runtimeDir, "podman", "podman.sock"), "rootless Podman socket"));
        }
        sockets.add(socket(root.resolve("run/podman/podman.sock"), "Podman socket"));
        return List.copyOf(sockets);
    }

    private static EngineAddress socket(Path path, String source) {
        return new EngineAddress("unix://" + path, null, source);
    }

    /** TLS as the CLI reads it from the environment: verified when DOCKER_TLS_VERIFY is set, for tcp hosts. */
    private Path tlsFromEnv(String host) {
        if (!host.trim().startsWith("tcp://") || !present(env.get("DOCKER_TLS_VERIFY"))
                || "0".equals(env.get("DOCKER_TLS_VERIFY").trim())) {
            return null;
        }
        String certPath = env.get("DOCKER_CERT_PATH");
        return present(certPath) ? Path.of(certPath.trim()) : configDir();
    }

    private Path configDir() {
        String dockerConfig = env.get("DOCKER_CONFIG");
        return present(dockerConfig) ? Path.of(dockerConfig.trim()) : home.resolve(".docker");
    }

    /** The current context's Docker endpoint, or null for the built-in "default" context (no setting). */
    private EngineAddress currentContext() {
        String name = env.get("DOCKER_CONTEXT");
        String source = "DOCKER_CONTEXT";
        Path configFile = configDir().resolve("config.json");
        if (!present(name)) {
            name = readJson(configFile).path("currentContext").asText("");
            source = "currentContext in " + configFile;
        }
        if (!present(name) || name.equals("default")) {
            return null;
        }
        String digest = sha256(name);
        Path meta = configDir().resolve("contexts").resolve("meta").resolve(digest).resolve("meta.json");
        if (!Files.isRegularFile(meta)) {
            throw new EngineUnavailableException("Docker context '" + name + "' (from " + source + ") does not exist: no "
                    + meta + ". List the contexts with 'docker context ls', or unset " + source.split(" ")[0] + ".", null);
        }
        JsonNode endpoint = readJson(meta).path("Endpoints").path("docker");
        String host = endpoint.path("Host").asText("");
        if (host.isBlank()) {
            throw new EngineUnavailableException("Docker context '" + name + "' has no docker endpoint in " + meta
                    + ". Recreate it with 'docker context create " + name + " --docker host=...'.", null);
        }
        if (endpoint.path("SkipTLSVerify").asBoolean(false)) {
            throw new EngineUnavailableException("Docker context '" + name + "' skips TLS verification, which habitat does"
                    + " not do: give the context the engine's CA ('docker context update " + name
                    + " --docker host=" + host + ",ca=...,cert=...,key=...').", null);
        }
        Path tls = configDir().resolve("contexts").resolve("tls").resolve(digest).resolve("docker");
        return new EngineAddress(host, host.startsWith("tcp://") && Files.isDirectory(tls) ? tls : null,
                "Docker context '" + name + "' from " + source);
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Json.missing();
        }
        try {
            return Json.tree(file);
        } catch (IOException e) {
            throw new EngineUnavailableException("cannot read " + file + " to find the current Docker context: "
                    + e.getMessage() + ". Fix the file, or set DOCKER_HOST.", e);
        }
    }

    static String sha256(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
