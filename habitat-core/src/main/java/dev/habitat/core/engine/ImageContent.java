package dev.habitat.core.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.habitat.core.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * An image's identity by content, the same in every image store: the digest of its layers' content ids
 * ({@code RootFS.Layers}, the diff ids), platform and the runtime config a container gets. The engine's image id
 * is not: overlay2 gives the config's digest, the containerd image store the manifest's (or index's), so the
 * same base image would make different phase hashes on two engines that should share snapshots.
 */
public final class ImageContent {
    /** What a container of the image gets from its config (build-time details such as Hostname are left out). */
    static final List<String> CONFIG_KEYS = List.of("Env", "Entrypoint", "Cmd", "User", "WorkingDir", "Labels", "ExposedPorts",
            "Volumes", "Shell", "StopSignal", "OnBuild");

    private ImageContent() {
    }

    /** {@code sha256:<hex>} of the canonical content, from an image's inspect answer ({@code GET /images/{name}/json}). */
    public static String identity(JsonNode inspect) {
        ObjectNode canonical = Json.object();
        canonical.set("layers", inspect.path("RootFS").path("Layers"));
        canonical.put("os", inspect.path("Os").asText(""));
        canonical.put("architecture", inspect.path("Architecture").asText(""));
        ObjectNode config = canonical.putObject("config");
        JsonNode c = inspect.path("Config");
        for (String key : CONFIG_KEYS) {
            JsonNode v = c.get(key);
            boolean empty = v == null || v.isNull() || (v.isContainerNode() && v.isEmpty()) || (v.isTextual() && v.asText().isEmpty());
            if (!empty) {
                config.set(key, v);
            }
        }
        try {
            byte[] text = Json.sorted(canonical).getBytes(StandardCharsets.UTF_8);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
