package dev.habitat.core.plan;

import dev.habitat.core.Phase;
import java.util.List;

/**
 * A node of the stage graph: a named build stage that starts {@code from} another stage (or the base
 * image) and applies its operations in order.
 *
 * @param from the stage it starts from, or for the first stage the base image reference
 */
public record Stage(String name, Phase phase, Role role, String from, List<Operation> operations) {

    /**
     * Where a stage sits in its phase: hooks wrap the core; a side stage starts from an earlier stage, runs
     * beside the main line (BuildKit builds it concurrently) and the core copies its result in.
     */
    public enum Role { BEFORE_HOOKS, CORE, AFTER_HOOKS, SIDE }

    public Stage {
        operations = List.copyOf(operations);
    }
}
