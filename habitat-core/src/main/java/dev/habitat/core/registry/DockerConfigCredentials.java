package dev.habitat.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.habitat.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Registry credentials where {@code docker login} keeps them: {@code $DOCKER_CONFIG/config.json} (default
 * {@code ~/.docker/config.json}). For a host, in the docker CLI's order: its {@code credHelpers} entry, else
 * the {@code credsStore}, through the helper program {@code docker-credential-<name> get} when it is on the
 * PATH (the credential-helper protocol: the host on stdin, {@code {"Username","Secret"}} on stdout), else
 * its {@code auths} entry ({@code auth} = base64 of user:password, or {@code identitytoken}).
 */
public final class DockerConfigCredentials {
    /** The key {@code docker login} uses for Docker Hub. */
    private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
    /** The most of a helper's stdout or stderr kept. */
    private static final int MAX_OUTPUT = 1 << 20;

    private final Map<String, String> env;
    private final Consumer<String> debug;
    private final Duration helperTimeout;

    /** @param env the process environment (DOCKER_CONFIG, HOME, PATH); debug: why an entry was skipped */
    public DockerConfigCredentials(Map<String, String> env, Consumer<String> debug) {
        this(env, debug, Duration.ofSeconds(30));
    }

    /** @param helperTimeout how long a credential helper may take before it is killed (30 s outside tests) */
    DockerConfigCredentials(Map<String, String> env, Consumer<String> debug, Duration helperTimeout) {
        this.env = Map.copyOf(env);
        this.debug = debug;
        this.helperTimeout = helperTimeout;
    }

    public static DockerConfigCredentials ofThisProcess(Consumer<String> debug) {
        return new DockerConfigCredentials(System.getenv(), debug);
    }

    public Path configFile() {
        String dir = env.get("DOCKER_CONFIG");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir, "config.json");
        }
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker", "config.json");
    }

    /** The credentials for {@code host}, or empty when the file, the helper and the entry have none. */
    public Optional<RegistryAuth> lookup(String host) {
        Path file = configFile();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode config;
        try {
            config = Json.tree(file);
        } catch (IOException e) {
            debug.accept("cannot read " + file + ": " + e.getMessage());
            return Optional.empty();
        }
        String helper = config.path("credHelpers").path(host).asText(null);
        if (helper == null && ImageReference.DOCKER_HUB.equals(host)) {
            helper = config.path("credHelpers").path(DOCKER_HUB_KEY).asText(null);
        }
        if (helper != null) {
            Optional<RegistryAuth> fromHelper = fromHelper(helper, host, file + " credHelpers");
            if (fromHelper.isPresent()) {
                return fromHelper;
            }
        }
        String store = config.path("credsStore").asText(null);
        if (store != null && !store.isBlank()) {
            Optional<RegistryAuth> fromStore = fromHelper(store, host, file + " credsStore");
            if (fromStore.isPresent()) {
                return fromStore;
            }
        }
        JsonNode auths = config.path("auths");
        for (String key : keysFor(host)) {
            JsonNode entry = auths.path(key);
            if (entry.isObject()) {
                Optional<RegistryAuth> auth = fromEntry(entry, host, file + " auths \"" + key + "\"");
                if (auth.isPresent()) {
                    return auth;
                }
            }
        }
        return Optional.empty();
    }

    /** The keys {@code docker login} may have written for a host. */
    static List<String> keysFor(String host) {
        List<String> keys = new ArrayList<>(List.of(host, "https://" + host, "http://" + host, "https://" + host + "/v1/",
                "https://" + host + "/v2/"));
        if (ImageReference.DOCKER_HUB.equals(host)) {
            keys.add(0, DOCKER_HUB_KEY);
            keys.add("index.docker.io");
        }
        return keys;
    }

    private Optional<RegistryAuth> fromEntry(JsonNode entry, String host, String source) {
        String token = entry.path("identitytoken").asText(null);
        String auth = entry.path("auth").asText(null);
        if (auth != null && !auth.isBlank()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                debug.accept(source + ": its auth is not base64");
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                debug.accept(source + ": its auth is not user:password");
                return Optional.empty();
            }
            return Optional.of(new RegistryAuth(host, decoded.substring(0, colon), decoded.substring(colon + 1), token, source));
        }
        String user = entry.path("username").asText(null);
        if (user != null) {
            return Optional.of(new RegistryAuth(host, user, entry.path("password").asText(""), token, source));
        }
        return token == null ? Optional.empty() : Optional.of(new RegistryAuth(host, null, null, token, source));
    }

    /**
     * Runs {@code docker-credential-<name> get}; empty when the helper is missing, has nothing for the host, or
     * does not answer within the timeout. Its stdin is closed after the host, stdout and stderr are read on their
     * own threads (a helper blocked writing to a full stderr pipe never answers), and a helper still running at the
     * deadline (waiting for a prompt's answer or an unlock) is killed with its children.
     */
    private Optional<RegistryAuth> fromHelper(String name, String host, String source) {
        Optional<Path> program = onPath("docker-credential-" + name);
        if (program.isEmpty()) {
            debug.accept(source + " names docker-credential-" + name + ", which is not on the PATH");
            return Optional.empty();
        }
        String serverUrl = ImageReference.DOCKER_HUB.equals(host) ? DOCKER_HUB_KEY : host;
        Process p;
        try {
            p = new ProcessBuilder(program.get().toString(), "get").start();
        } catch (IOException e) {
            debug.accept(program.get() + " failed: " + e.getMessage());
            return Optional.empty();
        }
        try {
            CompletableFuture<byte[]> stdout = drain(p.getInputStream(), "stdout of " + program.get().getFileName());
            CompletableFuture<byte[]> stderr = drain(p.getErrorStream(), "stderr of " + program.get().getFileName());
            try (OutputStream in = p.getOutputStream()) {
                in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a helper that exits without reading its stdin (as Go's exec, the docker CLI ignores this)
            }
            long deadline = System.nanoTime() + helperTimeout.toNanos();
            byte[] out;
            try {
                if (!p.waitFor(helperTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new TimeoutException();
                }
                // a child the helper left behind may hold its stdout open: the deadline bounds that too
                out = stdout.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                debug.accept(program.get() + " did not answer within " + seconds(helperTimeout) + " and was stopped (is it waiting"
                        + " for input, a prompt or an unlock? try: echo " + serverUrl + " | " + program.get().getFileName() + " get)");
                return Optional.empty();
            } catch (ExecutionException e) {
                debug.accept(program.get() + " failed: " + e.getCause().getMessage());
                return Optional.empty();
            }
            if (p.exitValue() != 0) {
                String err = new String(stderr.getNow(new byte[0]), StandardCharsets.UTF_8).strip();
                debug.accept(program.get() + " has no credentials for " + serverUrl + (err.isEmpty() ? "" : ": " + err));
                return Optional.empty();
            }
            JsonNode answer = Json.tree(out);
            String user = answer.path("Username").asText(null);
            String secret = answer.path("Secret").asText(null);
            if (secret == null || secret.isEmpty()) {
                return Optional.empty();
            }
            String from = source + " (" + program.get().getFileName() + ")";
            return Optional.of("<token>".equals(user) ? new RegistryAuth(host, null, null, secret, from)
                    : new RegistryAuth(host, user, secret, null, from));
        } catch (IOException e) {
            debug.accept(program.get() + " failed: " + e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            // no-op when it has exited; else it and what it started are killed, which ends the drains at EOF
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * Reads a stream to its end on a daemon thread (never the common pool, which may have one thread), keeping
     * at most {@value #MAX_OUTPUT} bytes: a helper's answer is small, and what it writes beyond is dropped.
     */
    private static CompletableFuture<byte[]> drain(InputStream stream, String what) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (InputStream in = stream) {
                ByteArrayOutputStream kept = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    kept.write(buffer, 0, Math.min(n, Math.max(0, MAX_OUTPUT - kept.size())));
                }
                result.complete(kept.toByteArray());
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "habitat " + what);
        t.setDaemon(true);
        t.start();
        return result;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /**
     * The program in an absolute PATH directory. Relative entries (and empty ones, the current directory) are
     * skipped, as Go's LookPath does for the docker CLI: they would run whatever the build's working directory holds.
     */
    private Optional<Path> onPath(String program) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && !Path.of(dir).isAbsolute()) {
                debug.accept("PATH entry '" + dir + "' is relative; not searched for " + program);
            } else if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
