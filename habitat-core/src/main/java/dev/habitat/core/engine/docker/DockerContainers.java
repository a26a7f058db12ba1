package dev.habitat.core.engine.docker;

import dev.habitat.core.Platform;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.habitat.core.Json;
import dev.habitat.core.engine.EngineInfo;
import dev.habitat.core.engine.EngineRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The containers of the docker-exec method on one engine: an idle build container, exec in it, copy in, commit. */
final class DockerContainers {
    private final EngineHttp http;
    private final Supplier<DockerClient> client;
    private final Supplier<EngineInfo> info;

    DockerContainers(EngineHttp http, Supplier<DockerClient> client, Supplier<EngineInfo> info) {
        this.http = http;
        this.client = client;
        this.info = info;
    }

    /**
     * Creates and starts a container that only waits, for the docker-exec method: root, the
     * given binds ({@code host:container[:opts]}, named volumes too), and the network mode.
     *
     * <p>On Podman the container is created through its own API with no default environment: Podman adds
     * {@code container=podman} and {@code TERM=xterm} to every container, and its commit writes a container's
     * environment into the image, which Docker's does not. The method passes each step's environment anyway.
     */
    String startIdleContainer(String image, String name, List<String> binds, List<String> tmpfs, String network, Platform platform) {
        String id = info.get().product() == EngineInfo.Product.PODMAN
                ? createIdleOnPodman(image, name, binds, tmpfs, network)
                : createIdleOnDocker(image, name, binds, tmpfs, network, platform);
        client.get().startContainerCmd(id).exec();
        return id;
    }

    private static final List<String> IDLE_ENTRYPOINT = List.of("/bin/sh", "-c");
    private static final String IDLE_COMMAND = "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done";

    private String createIdleOnDocker(String image, String name, List<String> binds, List<String> tmpfs, String network, Platform platform) {
        var host = HostConfig.newHostConfig()
                .withBinds(binds.stream().map(Bind::parse).toList());
        if (!tmpfs.isEmpty()) {
            Map<String, String> mounts = new LinkedHashMap<>();
            tmpfs.forEach(path -> mounts.put(path, "mode=0755"));
            host.withTmpFs(mounts);
        }
        if (network != null && !network.equals("default")) {
            host.withNetworkMode(network);
        }
        var create = client.get().createContainerCmd(image);
        if (platform != null) {
            create.withPlatform(platform.toString()); // POST /containers/create?platform= (API 1.41): the image's variant for it
        }
        return create.withName(name).withUser("0")
                .withEntrypoint(IDLE_ENTRYPOINT.toArray(String[]::new)).withCmd(IDLE_COMMAND)
                .withHostConfig(host).exec().getId();
    }

    /** Podman's {@code POST /libpod/containers/create} (a SpecGenerator), with {@code unsetenvall}. */
    private String createIdleOnPodman(String image, String name, List<String> binds, List<String> tmpfs, String network) {
        var spec = Json.object().put("image", image).put("name", name).put("user", "0").put("unsetenvall", true);
        IDLE_ENTRYPOINT.forEach(spec.putArray("entrypoint")::add);
        spec.putArray("command").add(IDLE_COMMAND);
        var mounts = spec.putArray("mounts");
        var volumes = spec.putArray("volumes");
        for (String b : binds) {
            var bind = Bind.parse(b);
            boolean readOnly = bind.getAccessMode() == AccessMode.ro;
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
        String body = http.post("/v4.0.0/libpod/containers/create", spec.toString(), "create the build container " + name);
        try {
            return Json.tree(body).path("Id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("unexpected answer to creating " + name + ": " + body, e);
        }
    }

    /** Runs a command in a container and returns its exit code; output lines go to {@code output}. */
    int exec(String container, String user, String workdir, List<String> env, List<String> argv,
                    Consumer<String> output) {
        String execId = client.get().execCreateCmd(container).withUser(user).withWorkingDir(workdir).withEnv(env)
                .withCmd(argv.toArray(String[]::new)).withAttachStdout(true).withAttachStderr(true).exec().getId();
        StringBuilder partial = new StringBuilder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            client.get().execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        output.accept(partial.substring(0, nl));
                        partial.delete(0, nl + 1);
                    }
                }

                /** Kept for the caller to throw, instead of the adapter's own "Error during callback" log line. */
                @Override
                public void onError(Throwable error) {
                    failure.compareAndSet(null, error);
                    try {
                        close();
                    } catch (IOException ignored) {
                        // closing the stream of a failed exec
                    }
                }
            }).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running a command in " + container, e);
        }
        if (failure.get() instanceof RuntimeException e) {
            throw e;
        }
        if (failure.get() != null) {
            throw new UncheckedIOException(new IOException("the output of a command in " + container + " broke: "
                    + failure.get().getMessage(), failure.get()));
        }
        if (partial.length() > 0) {
            output.accept(partial.toString());
        }
        Long code = client.get().inspectExecCmd(execId).exec().getExitCodeLong();
        return code == null ? -1 : code.intValue();
    }

    /** Extracts a tar into a container at {@code path}, keeping the modes of its entries. */
    void putArchive(String container, String path, byte[] tar) {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.PUT)
                .path("/containers/" + EngineHttp.enc(container) + "/archive?path=" + EngineHttp.enc(path))
                .putHeader("Content-Type", "application/x-tar").bodyBytes(tar).build();
        try (DockerHttpClient.Response resp = http.execute(req)) {
            String body = new String(resp.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (resp.getStatusCode() / 100 != 2) {
                throw new EngineRefusedException("the engine", "copy into " + container + ":" + path, resp.getStatusCode(),
                        DockerEngine.engineWords(body), null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copy into " + container + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Commits a container as {@code repository:tag}, applying Dockerfile-style {@code changes} (ENV, LABEL,
     * USER, WORKDIR, ENTRYPOINT, CMD). Raw call: docker-java's CommitCmd cannot send {@code changes}.
     */
    String commit(String container, String repository, String tag, List<String> changes) {
        StringJoiner q = new StringJoiner("&", "/commit?", "");
        q.add("container=" + EngineHttp.enc(container));
        if (repository != null) { // else an untagged image
            q.add("repo=" + EngineHttp.enc(repository)).add("tag=" + EngineHttp.enc(tag));
        }
        q.add("pause=true");
        changes.forEach(c -> q.add("changes=" + EngineHttp.enc(c)));
        String body = http.post(q.toString(), "{}", "commit " + container);
        try {
            return imageIdOf(Json.tree(body).path("Id").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("unexpected answer to the commit of " + container + ": " + body, e);
        }
    }

    /** An image id in the form image inspection gives ({@code sha256:...}); Podman's commit answers the bare hex. */
    static String imageIdOf(String id) {
        return id.isEmpty() || id.contains(":") ? id : "sha256:" + id;
    }

    void removeContainer(String id) {
        try {
            client.get().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // gone already
        } catch (ConflictException e) {
            // "removal already in progress" (a shutdown hook got there first): it is going
        }
    }

    /** Ids of containers (running or not) whose name matches {@code name} exactly (a regex). */
    List<String> containersNamed(Pattern name) {
        return client.get().listContainersCmd().withShowAll(true).exec().stream()
                .filter(c -> c.getNames() != null && Arrays.stream(c.getNames())
                        .anyMatch(n -> name.matcher(n.startsWith("/") ? n.substring(1) : n).matches()))
                .map(Container::getId).toList();
    }
}
