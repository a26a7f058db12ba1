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
 * @param machineStep    what applies the building machine's facts ({@link MachineFacts}): run after the operations of
 *                       12-final's last stage, in that stage, and again alone on a 12-final made for another machine.
 *                       No phase hash covers it.
 */
public record StageGraph(HabitatConfig config, List<Stage> stages, String baseDockerfile, Map<String, String> buildArgs,
                         List<String> warnings, List<Operation> machineStep) {
    public StageGraph {
        stages = List.copyOf(stages);
        machineStep = List.copyOf(machineStep);
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
