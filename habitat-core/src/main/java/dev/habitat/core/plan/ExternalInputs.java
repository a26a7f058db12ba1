package dev.habitat.core.plan;

import dev.habitat.core.Platform;
import java.util.Objects;
import java.util.List;
import java.util.Optional;

/**
 * What the config cannot say, found at build time: the base image's identity by content (the same in every image
 * store) and the remote commit of each repo, which the phase hashes cover (absent values hash as "unresolved"); and
 * the {@link MachineFacts} of the building machine, which no hash covers (the machine step applies them last).
 *
 * @param platform the platform built for, resolved (the engine's own when none is listed): it enters every hash, so an
 *                 arm64 laptop's own build and a CI's linux/arm64 build of the same habitat have the same hashes
 */
public record ExternalInputs(Optional<String> baseImageId, List<Optional<String>> repoRevisions, MachineFacts machine,
                             Platform platform) {
    public ExternalInputs {
        repoRevisions = List.copyOf(repoRevisions);
        Objects.requireNonNull(platform, "platform");
    }

    /** For this JVM's machine's platform (goals without an engine; tests). */
    public ExternalInputs(Optional<String> baseImageId, List<Optional<String>> repoRevisions, MachineFacts machine) {
        this(baseImageId, repoRevisions, machine, Platform.ofThisMachine());
    }

    /** Nothing resolved, for this JVM's machine's platform (show-phases: the engine's own platform is usually it). */
    public static ExternalInputs none() {
        return new ExternalInputs(Optional.empty(), List.of(), MachineFacts.none());
    }

    /** The same inputs for another platform, whose base image may be another image (the platform's variant). */
    public ExternalInputs forPlatform(Platform p, Optional<String> platformBaseImageId) {
        return new ExternalInputs(platformBaseImageId, repoRevisions, machine, p);
    }

    public Optional<String> repoRevision(int index) {
        return index < repoRevisions.size() ? repoRevisions.get(index) : Optional.empty();
    }
}
