package dev.habitat.core.build;

import dev.habitat.core.Phase;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.render.BuildContext;
import dev.habitat.core.render.ContextStager;
import dev.habitat.core.render.DockerfileRenderer;
import java.util.Map;

/** Stages the build context, and leaves beside it the Dockerfile with this build's values. */
final class StageContextStep {
    private final BuildRun run;

    StageContextStep(BuildRun run) {
        this.run = run;
    }

    BuildContext call(Map<Phase, PhaseHash> hashes) {
        // the Dockerfile left beside the context has this build's values; generate-dockerfile writes it with build args
        BuildContext context = new ContextStager().stage(run.graph(),
                HabitatBuilder.BUILD_DOCKERFILE_NOTE + new DockerfileRenderer().render(run.graph(), hashes),
                run.outDir(), run.options().outputDirectory());
        ContextStager.largeContextWarning(context.bytes()).ifPresent(run.progress()::warn);
        return context;
    }
}
