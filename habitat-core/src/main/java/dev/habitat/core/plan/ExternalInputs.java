package dev.habitat.core.plan;

import java.util.List;
import java.util.Optional;

/**
 * What the config cannot say, found at build time: the base image's identity by content (the same in every image
 * store) and the remote commit of each repo, which the phase hashes cover (absent values hash as "unresolved"); and
 * the {@link MachineFacts} of the building machine, which no hash covers (the machine step applies them last).
 */
public record ExternalInputs(Optional<String> baseImageId, List<Optional<String>> repoRevisions, MachineFacts machine) {
    public ExternalInputs {
        repoRevisions = List.copyOf(repoRevisions);
    }

    public static ExternalInputs none() {
        return new ExternalInputs(Optional.empty(), List.of(), MachineFacts.none());
    }

    public Optional<String> repoRevision(int index) {
        return index < repoRevisions.size() ? repoRevisions.get(index) : Optional.empty();
    }
}
