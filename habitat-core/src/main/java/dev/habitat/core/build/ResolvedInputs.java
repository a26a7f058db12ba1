package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Snapshots;
import java.util.Map;

/**
 * What {@link ResolveInputsStep} found: the external inputs, the platform built for ({@code asked}: only when it is not the
 * engine's own, else null), the phase hashes, the local snapshots for them and the registry side (null: no registry).
 */
record ResolvedInputs(ExternalInputs external, Platform platform, Platform asked, Map<Phase, PhaseHash> hashes,
                      Snapshots snapshots, SharedSnapshots shared) {
}
