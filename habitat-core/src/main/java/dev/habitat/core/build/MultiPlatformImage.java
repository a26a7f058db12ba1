package dev.habitat.core.build;

import dev.habitat.core.engine.EngineImages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.habitat.core.Json;
import dev.habitat.core.Platform;
import dev.habitat.core.engine.ImageTransfer.TransferResult;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryApi;
import dev.habitat.core.registry.RegistryAuth;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Sharing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One image name for every platform a habitat was built for ({@code -Dhabitat.image} with several platforms). Each
 * platform's final image is tagged {@code <name>-<os>-<arch>} ({@code dev:1-linux-arm64}); the engine's own platform's
 * also {@code <name>}, for running it here. With push, each goes to the registry under its platform's tag (the engine
 * API pushes one image per name), and an index listing them is put under {@code <name>} through the registry API
 * ({@code PUT /v2/<name>/manifests/<tag>}): a Docker manifest list when every platform's image is a Docker manifest,
 * else an OCI image index. {@code docker pull <name>} on any of the platforms then pulls its own.
 */
final class MultiPlatformImage {
    private final EngineImages engine;
    private final RegistryApi api;
    private final BuildProgress progress;

    MultiPlatformImage(EngineImages engine, RegistryApi api, BuildProgress progress) {
        this.engine = engine;
        this.api = api;
        this.progress = progress;
    }

    /** {@code dev:1} and linux/arm64 give {@code dev:1-linux-arm64}. */
    static ImageReference platformName(ImageReference name, Platform p) {
        return name.withTag(name.tag() + "-" + p.tagPart());
    }

    void publish(List<BuildSummary> summaries, ImageReference name, Sharing sharing) {
        for (BuildSummary s : summaries) {
            String own = platformName(name, s.platform()).name();
            engine.tag(s.finalImage(), own);
            if (s.platform().equals(engine.platform())) {
                engine.tag(s.finalImage(), name.name());
                progress.info("habitat: tagged " + s.finalImage() + " as " + own + " and " + name.name());
            } else {
                progress.info("habitat: tagged " + s.finalImage() + " as " + own);
            }
        }
        if (!sharing.push()) {
            progress.info("habitat: " + name.name() + " names the " + engine.platform() + " image here; with habitat.push the registry "
                    + "gets one image of every platform under it");
            return;
        }
        RegistryAuth auth = sharing.credentials().apply(name.host());
        List<Entry> entries = new ArrayList<>();
        for (BuildSummary s : summaries) {
            ImageReference own = platformName(name, s.platform());
            TransferResult r = engine.push(own.name(), auth);
            if (!r.ok()) {
                throw SharedSnapshots.failedPush(auth, own.name(), r, ". The images stay tagged locally: run the build again to push.");
            }
            progress.info("habitat: pushed " + own.name());
            try {
                entries.add(entry(api.manifest(own, auth), s.platform(), own));
            } catch (IOException e) {
                throw new SharedSnapshots.RegistryException("habitat: cannot read back " + own.name() + " from the registry "
                        + name.host() + " to list it in " + name.name() + ": " + e.getMessage());
            }
        }
        String mediaType = entries.stream().allMatch(e -> RegistryApi.DOCKER_MANIFEST.equals(e.mediaType()))
                ? RegistryApi.DOCKER_LIST : RegistryApi.OCI_INDEX;
        try {
            String digest = api.putManifest(name, mediaType, index(mediaType, entries), auth);
            progress.info("habitat: pushed " + name.name() + " for " + String.join(", ",
                    summaries.stream().map(s -> s.platform().toString()).toList()) + (digest.isEmpty() ? "" : " (" + digest + ")"));
        } catch (IOException e) {
            throw new SharedSnapshots.RegistryException("habitat: putting the multi-platform index " + name.name() + " failed: "
                    + e.getMessage() + ". Each platform's image is in the registry under its own tag.");
        }
    }

    /** One platform's line of the index: its manifest's media type, digest and size. */
    record Entry(String mediaType, String digest, long size, Platform platform) {
    }

    /**
     * The line for a platform's pushed image. An engine with the containerd image store may push an index of its own
     * (the image and, say, an attestation): then its manifest for the platform is listed, never the index itself.
     */
    static Entry entry(RegistryApi.Manifest m, Platform p, ImageReference from) throws IOException {
        if (!m.json().has("manifests")) {
            return new Entry(m.mediaType(), m.digest(), m.size(), p);
        }
        for (JsonNode d : m.json().path("manifests")) {
            JsonNode dp = d.path("platform");
            if (p.os().equals(dp.path("os").asText()) && p.architecture().equals(dp.path("architecture").asText())
                    && (p.variant() == null || p.variant().equals(dp.path("variant").asText(null)))) {
                return new Entry(d.path("mediaType").asText(), d.path("digest").asText(), d.path("size").asLong(), p);
            }
        }
        throw new IOException(from.name() + " is an index without a manifest for " + p);
    }

    /** The index document: schema 2, its media type, one manifest descriptor with its platform per entry. */
    static String index(String mediaType, List<Entry> entries) {
        ObjectNode root = Json.object().put("schemaVersion", 2).put("mediaType", mediaType);
        ArrayNode manifests = root.putArray("manifests");
        for (Entry e : entries) {
            ObjectNode d = manifests.addObject().put("mediaType", e.mediaType()).put("digest", e.digest()).put("size", e.size());
            ObjectNode platform = d.putObject("platform").put("architecture", e.platform().architecture()).put("os", e.platform().os());
            if (e.platform().variant() != null) {
                platform.put("variant", e.platform().variant());
            }
        }
        return root.toString();
    }
}
