package dev.habitat.core.build;

import dev.habitat.core.engine.EngineImages;
import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.PhaseHasher;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Sharing;
import dev.habitat.core.snapshot.Snapshots;
import java.util.Map;
import java.util.Optional;

/** Resolves the external inputs (remote heads, base image identity, machine facts) and hashes every phase with them. */
final class ResolveInputsStep {
    private final BuildRun run;
    private final ExternalInputResolver inputs;

    ResolveInputsStep(BuildRun run, ExternalInputResolver inputs) {
        this.run = run;
        this.inputs = inputs;
    }

    ResolvedInputs call() {
        EngineImages engine = run.engine();
        HabitatConfig config = run.config();
        run.progress().info("habitat: engine " + engine.ping() + " at " + engine.address());
        ExternalInputs external = inputs.resolve(config, engine, run.progress(), run.options().secrets());
        // the platform enters the hashes resolved; only another platform than the engine's own is asked of the engine
        Platform platform = config.platform() != null ? config.platform() : engine.platform();
        Platform asked = platform.equals(engine.platform()) ? null : platform;
        if (asked != null) {
            external = external.forPlatform(platform, config.base().image() == null ? Optional.empty()
                    : engine.contentIdentity(config.base().image(), platform));
        }
        Map<Phase, PhaseHash> hashes = new PhaseHasher(run.options().outputDirectory()).hash(run.graph(), external);
        Snapshots snapshots = new Snapshots(config.imageRepository(), config.platform(), hashes, engine::inspectImage);
        return new ResolvedInputs(external, platform, asked, hashes, snapshots, sharedSnapshots(hashes, platform, asked));
    }

    /** The registry side of a build, or null when no registry is set (the Mojo parameter wins over the config key). */
    private SharedSnapshots sharedSnapshots(Map<Phase, PhaseHash> hashes, Platform platform, Platform asked) {
        HabitatConfig config = run.config();
        Sharing sharing = run.options().sharing();
        ImageReference registry = sharing.registry() != null ? sharing.registry()
                : config.registry() == null ? null : ImageReference.parse(config.registry(), false);
        return registry == null ? null : new SharedSnapshots(run.engine(), registry, config.imageRepository(), hashes, platform,
                asked, sharing.credentials(), run.progress());
    }
}
