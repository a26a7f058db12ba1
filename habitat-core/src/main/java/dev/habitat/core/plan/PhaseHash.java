package dev.habitat.core.plan;

import dev.habitat.core.Phase;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content hash of a phase: it changes when anything that can change the phase's result changes,
 * and (being cumulative) when any earlier phase's hash changes.
 *
 * @param inputs named digests of what the hash covers (previous hash, each stage's operations, each copied
 *               tree, the base image, resolved repo commits), stored on snapshots to explain staleness
 */
public record PhaseHash(Phase phase, String hash, Map<String, String> inputs) {
    public PhaseHash {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }
}
