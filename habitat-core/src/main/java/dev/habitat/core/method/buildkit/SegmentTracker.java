package dev.habitat.core.method.buildkit;

import dev.habitat.core.Phase;
import dev.habitat.core.engine.BuildEvents;
import dev.habitat.core.engine.trace.BuildKitStatus;
import dev.habitat.core.method.PhaseRecorder;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.plan.StageGraph;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.StageTiming;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the BuildKit trace of one build request (a segment of phases): maps each vertex to its stage
 * and phase through the {@code [stage n/m]} prefix the Dockerfile frontend gives vertex names, records
 * phase starts and step output in the method's {@link PhaseRecorder}, and remembers timings, cache hits and
 * errors per step.
 */
final class SegmentTracker implements BuildEvents {
    private static final Pattern STEP = Pattern.compile("^\\[(?:(\\S+) )?(\\d+)/(\\d+)] (.*)$", Pattern.DOTALL);

    record Step(String digest, Stage stage, String instruction) {}

    private final StageGraph graph;
    private final Set<Phase> phases;
    private final Stage onlyStage;
    private final BuildProgress progress;
    private final Map<String, Step> steps = new LinkedHashMap<>();
    private final Map<String, Boolean> cached = new HashMap<>();
    private final Map<String, Instant> started = new HashMap<>();
    private final Map<String, Instant> completed = new HashMap<>();
    private final Map<String, String> errors = new LinkedHashMap<>();
    private final PhaseRecorder recorder;
    private final Set<Phase> done = EnumSet.noneOf(Phase.class);
    private final Consumer<Phase> phaseDone;

    SegmentTracker(StageGraph graph, Set<Phase> phases, BuildProgress progress) {
        this(graph, phases, progress, phase -> { });
    }

    /**
     * @param phaseDone told, once per phase, when a phase is complete: a step of a later main-line stage
     *                  started (main-line stages run one after the other; side stages are not the main line)
     */
    SegmentTracker(StageGraph graph, Set<Phase> phases, BuildProgress progress, Consumer<Phase> phaseDone) {
        this(graph, phases, progress, new PhaseRecorder(progress), phaseDone);
    }

    /** @param recorder where the phases' starts and the steps' output are recorded (the method's one recorder) */
    SegmentTracker(StageGraph graph, Set<Phase> phases, BuildProgress progress, PhaseRecorder recorder, Consumer<Phase> phaseDone) {
        this.recorder = recorder;
        this.phaseDone = phaseDone;
        this.graph = graph;
        this.phases = phases;
        List<Stage> inSegment = graph.stages().stream().filter(s -> phases.contains(s.phase())).toList();
        this.onlyStage = inSegment.size() == 1 ? inSegment.get(0) : null;
        this.progress = progress;
    }

    /**
     * A plain line of the engine beside the BuildKit trace (warnings, a builder's own messages): never dropped;
     * the engine's "Successfully tagged/built" confirmations only at {@code -X}, the phase lines say as much.
     */
    @Override
    public void stream(String text) {
        text.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> {
            if (l.startsWith("Successfully ")) {
                progress.debug("habitat: engine: " + l);
            } else {
                progress.info("habitat: engine: " + l);
            }
        });
    }

    @Override
    public void status(BuildKitStatus status) {
        for (BuildKitStatus.Vertex v : status.vertexes()) {
            Step step = steps.computeIfAbsent(v.digest(), d -> parse(d, v.name()));
            if (step == null) {
                steps.remove(v.digest());
                continue;
            }
            if (v.cached()) {
                cached.put(v.digest(), true);
            }
            if (v.started() != null) {
                started.putIfAbsent(v.digest(), v.started());
                Phase p = step.stage().phase();
                recorder.started(p);
                if (step.stage().role() != Stage.Role.SIDE) {
                    for (Phase before : phases) {
                        if (before.id() < p.id() && done.add(before)) {
                            phaseDone.accept(before);
                        }
                    }
                }
            }
            if (v.completed() != null) {
                completed.put(v.digest(), v.completed());
            }
            if (v.error() != null && !v.error().isBlank()) {
                errors.put(v.digest(), v.error());
            }
        }
        for (BuildKitStatus.VertexLog log : status.logs()) {
            Step step = steps.get(log.vertex());
            recorder.output(log, step == null ? null : step.stage());
        }
    }

    private Step parse(String digest, String name) {
        if (name == null) {
            return null;
        }
        Matcher m = STEP.matcher(name);
        if (!m.matches()) {
            return null; // [internal] steps: context, metadata
        }
        Stage stage = m.group(1) == null ? onlyStage
                : graph.stageNamed(m.group(1)).filter(s -> phases.contains(s.phase())).orElse(null);
        return stage == null ? null : new Step(digest, stage, m.group(4));
    }

    /** The latest phase a step of which started, or null. */
    Phase latestStarted() {
        return recorder.latestStarted();
    }

    /** Reports the start of a phase that had no step of its own (nothing but its snapshot), once. */
    void ensureStarted(Phase phase) {
        recorder.started(phase);
    }

    /** Per phase of the segment: (duration, whether every step came from the cache). */
    Map<Phase, PhaseTiming> timings() {
        Map<Phase, PhaseTiming> out = new EnumMap<>(Phase.class);
        for (Phase p : phases) {
            Span span = span(s -> s.stage().phase() == p);
            Duration d = span.first() != null && span.last() != null ? Duration.between(span.first(), span.last()) : Duration.ZERO;
            out.put(p, new PhaseTiming(d.isNegative() ? Duration.ZERO : d, span.allCached()));
        }
        return out;
    }

    record PhaseTiming(Duration duration, boolean cached) {}

    /** Per stage of the segment that ran steps: first start, last end, all cached; in stage order. */
    Map<Phase, List<StageTiming>> stageTimings() {
        Map<Phase, List<StageTiming>> out = new EnumMap<>(Phase.class);
        for (Stage stage : graph.stages()) {
            if (!phases.contains(stage.phase())) {
                continue;
            }
            Span span = span(s -> s.stage() == stage);
            if (span.first() != null && span.last() != null) {
                out.computeIfAbsent(stage.phase(), k -> new ArrayList<>())
                        .add(new StageTiming(stage.name(), span.first(), span.last(), span.allCached()));
            }
        }
        return out;
    }

    /** First start, last end and whether all were cached, over the steps (FROM lines aside) {@code which} selects. */
    private Span span(Predicate<Step> which) {
        Instant first = null;
        Instant last = null;
        boolean allCached = true;
        for (Step s : steps.values()) {
            if (!which.test(s) || s.instruction().startsWith("FROM ")) {
                continue;
            }
            allCached &= cached.getOrDefault(s.digest(), false);
            Instant st = started.get(s.digest());
            Instant co = completed.get(s.digest());
            first = st != null && (first == null || st.isBefore(first)) ? st : first;
            last = co != null && (last == null || co.isAfter(last)) ? co : last;
        }
        return new Span(first, last, allCached);
    }

    private record Span(Instant first, Instant last, boolean allCached) {}

    /** The step that failed, if the engine named one. */
    Step failedStep() {
        for (Map.Entry<String, String> e : errors.entrySet()) {
            if (!e.getValue().contains("context canceled") && steps.containsKey(e.getKey())) {
                return steps.get(e.getKey());
            }
        }
        return null;
    }

    String error(Step step) {
        return errors.get(step.digest());
    }

    /** The step's last lines in the order the engine read them. */
    List<String> lastLines(Step step) {
        return recorder.lastLines(step.digest());
    }

}
