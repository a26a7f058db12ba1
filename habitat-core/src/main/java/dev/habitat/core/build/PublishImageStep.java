package dev.habitat.core.build;

import dev.habitat.core.engine.EngineImages;
import dev.habitat.core.Phase;
import dev.habitat.core.engine.ImageTransfer;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryApi;
import dev.habitat.core.registry.RegistryAuth;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Sharing;
import java.util.List;

/**
 * The final image under the user's name ({@link Sharing#image}), pushed with push. With several platforms each
 * platform's final image is named {@code <name>-<os>-<arch>} (the engine's own also {@code <name>}), and with push
 * they go to the registry and {@link MultiPlatformImage} puts one index under {@code <name>} that lists them all.
 */
final class PublishImageStep {
    private final EngineImages engine;
    private final RegistryApi registryApi;
    private final BuildProgress progress;

    PublishImageStep(EngineImages engine, RegistryApi registryApi, BuildProgress progress) {
        this.engine = engine;
        this.registryApi = registryApi;
        this.progress = progress;
    }

    void call(List<BuildSummary> summaries, Sharing sharing) {
        if (sharing.image() == null) {
            return;
        }
        for (BuildSummary summary : summaries) {
            if (summary.finalImage() == null || !summary.finalImage().contains(":" + Phase.FINAL.tagSuffix())) {
                progress.warn("habitat: the build stopped before " + Phase.FINAL.tagSuffix() + ", so " + sharing.image() + " was not tagged");
                return;
            }
        }
        String name = sharing.image().tag() == null ? sharing.image().withTag("latest").name() : sharing.image().name();
        if (summaries.size() > 1 || summaries.get(0).platform() != null) {
            new MultiPlatformImage(engine, registryApi, progress).publish(summaries, ImageReference.parse(name, true), sharing);
            return;
        }
        BuildSummary summary = summaries.get(0);
        engine.tag(summary.finalImage(), name);
        progress.info("habitat: tagged " + summary.finalImage() + " as " + name);
        if (sharing.push()) {
            RegistryAuth auth = sharing.credentials().apply(sharing.image().host());
            ImageTransfer.TransferResult r = engine.push(name, auth);
            if (!r.ok()) {
                throw SharedSnapshots.failedPush(auth, name, r, ". The image and the snapshots stay valid locally: run the build again to push.");
            }
            progress.info("habitat: pushed " + name);
        }
    }
}
