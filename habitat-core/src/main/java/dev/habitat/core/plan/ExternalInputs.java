package dev.habitat.core.plan;

import java.util.List;
import java.util.Optional;

/**
 * Inputs that live outside the config and are found at build time: the base image's identity by content
 * (the same in every image store), the remote
 * commit of each repo, and the host docker socket's group id. Absent values hash as "unresolved".
 */
public record ExternalInputs(Optional<String> baseImageId, List<Optional<String>> repoRevisions,
                             Optional<String> dockerGroupGid) {
    public ExternalInputs {
        repoRevisions = List.copyOf(repoRevisions);
    }

    public static ExternalInputs none() {
        return new ExternalInputs(Optional.empty(), List.of(), Optional.empty());
    }

    public Optional<String> repoRevision(int index) {
        return index < repoRevisions.size() ? repoRevisions.get(index) : Optional.empty();
    }
}
