package dev.habitat.core.plan;

import dev.habitat.core.Phase;
import dev.habitat.core.config.HabitatConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The habitat as an ordered graph of stages, phase by phase, with hook stages around each phase's core.
 * Each stage starts from the one before it; the last stage of a phase carries the phase's name and is its
 * snapshot.
 *
 * @param baseDockerfile the habitat's own Dockerfile text, placed before the stages, or null
 * @param warnings       things the plan noticed that do not stop a build (e.g. an undefined SYSTEM_PATH)
 */
public record StageGraph(HabitatConfig config, List<Stage> stages, String baseDockerfile, Map<String, String> buildArgs,
                         List<String> warnings) {
    public StageGraph {
        stages = List.copyOf(stages);
        buildArgs = Map.copyOf(buildArgs);
        warnings = List.copyOf(warnings);
    }

    public List<Stage> stagesOf(Phase phase) {
        return stages.stream().filter(s -> s.phase() == phase).toList();
    }

    public Optional<Stage> stageNamed(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The stage whose result is the phase's snapshot; it is named after the phase. */
    public Stage lastStageOf(Phase phase) {
        List<Stage> of = stagesOf(phase);
        return of.get(of.size() - 1);
    }
}
