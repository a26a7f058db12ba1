package dev.habitat.core.build;

import dev.habitat.core.BuildMethodName;
import dev.habitat.core.Phase;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Snapshots;

/**
 * The method that builds on the resume point. On the containerd image store a snapshot pulled from a registry may lack
 * the blobs of its lower layers: the store leaves out of a pull the layers it has unpacked already (the base loaded
 * or built here), and a BuildKit build on such an image fetches them, when it exports, from the registry its FROM
 * name points to (docker.io for a local tag), and fails. A build that resumes from a snapshot standing on pulled
 * layers (pulled now or by an earlier build: its id is the registry's manifest digest; or, in a habitat that shares
 * through a registry, made here by docker-exec,
 * which is how such a build continues) therefore runs with the method's {@link BuildMethod#onPulledLayers() counterpart
 * for pulled layers} (docker-exec: containers and commits need only the unpacked layers). The snapshots it makes have the
 * same content and hashes.
 */
final class ChooseMethodStep {
    private final BuildRun run;
    private final ResolvedInputs inputs;

    ChooseMethodStep(BuildRun run, ResolvedInputs inputs) {
        this.run = run;
        this.inputs = inputs;
    }

    BuildMethod call(ResumePoint point) {
        BuildMethod runner = choose(point);
        run.progress().info("habitat: build method " + runner.name());
        return runner;
    }

    private BuildMethod choose(ResumePoint point) {
        BuildMethod method = run.method();
        if (point.resume().isEmpty() || !run.engine().containerdImageStore() || method.onPulledLayers() == method) {
            return method;
        }
        Phase r = point.resume().get();
        Snapshots snapshots = inputs.snapshots();
        SharedSnapshots shared = inputs.shared();
        // pulled layers exist only where the habitat shares through a registry: without one, a docker-exec snapshot
        // (exec-equivalence, migrate-snapshots) stands on this engine's own layers and BuildKit resumes from it
        boolean onPulledLayers = point.pulled().contains(r) || shared != null
                && (snapshots.image(r).map(i -> BuildMethodName.DOCKER_EXEC.id().equals(i.labels().get(SnapshotLabels.LABEL_METHOD))).orElse(false)
                || shared.pulledFromRegistry(r, snapshots));
        BuildMethod runner = onPulledLayers ? method.onPulledLayers() : method;
        if (runner != method) {
            run.progress().info("habitat: " + snapshots.tag(r) + " stands on layers pulled into the containerd image store, which keeps "
                    + "no compressed copy of the layers it had already: the phases after it are built with the " + runner.name()
                    + " method (a BuildKit build there would fetch those layers from the registry of the FROM name)");
        }
        return runner;
    }
}
