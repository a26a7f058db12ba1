package dev.habitat.core.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.habitat.core.Json;
import dev.habitat.core.Phase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The phases of a planned habitat as text or JSON (show-phases). */
public final class PhaseListing {
    private PhaseListing() {}

    public static String text(PlannedHabitat h) {
        StringBuilder b = new StringBuilder();
        b.append("Habitat ").append(h.config().name()).append(" (").append(h.config().configFile()).append(")\n");
        b.append("Platform: ").append(platformOf(h)).append(h.config().platform() == null ? " (the engine's own, as this machine's)" : "")
                .append('\n');
        b.append("Snapshots: ").append(h.config().imageRepository()).append(":<id>-<phase>")
                .append(h.config().platform() == null ? "" : "-" + h.config().platform().tagPart()).append("\n\n");
        for (Phase p : Phase.values()) {
            PhaseHash hash = h.hashes().get(p);
            b.append(String.format("%2d  %-8s %s  %s%n", p.id(), p.phaseName(), hash.hash(), p.summary()));
            for (Stage s : h.graph().stagesOf(p)) {
                b.append(String.format("      stage %-16s %s%n", s.name(), describe(s)));
            }
        }
        // not a phase and not hashed: applied last, with this machine's facts
        b.append(String.format("    machine step (no hash, after 12-final's content): %s%n", machineStep(h)));
        for (String w : h.graph().warnings()) {
            b.append("warning: ").append(w).append('\n');
        }
        return b.toString();
    }

    /** One listing per platform of the habitat ({@link PlannedHabitat#perPlatform}), one after the other. */
    public static String text(List<PlannedHabitat> perPlatform) {
        return perPlatform.stream().map(PhaseListing::text).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The listing of a habitat that lists no platforms as before; of several platforms, an array of their listings. */
    public static String json(List<PlannedHabitat> perPlatform) {
        if (perPlatform.size() == 1) {
            return json(perPlatform.get(0));
        }
        try {
            return Json.indented(
                    perPlatform.stream().map(PhaseListing::tree).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The platform the hashes are for (the hash input of 1-base). */
    private static String platformOf(PlannedHabitat h) {
        return h.hashes().get(Phase.BASE).inputs().getOrDefault("platform", "?");
    }

    public static String json(PlannedHabitat h) {
        try {
            return Json.indented(tree(h));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> tree(PlannedHabitat h) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", h.config().name());
        root.put("platform", platformOf(h));
        root.put("config", h.config().configFile().toString());
        root.put("imageRepository", h.config().imageRepository());
        List<Object> phases = new ArrayList<>();
        for (Phase p : Phase.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("name", p.phaseName());
            m.put("summary", p.summary());
            m.put("hash", h.hashes().get(p).hash());
            m.put("snapshot", p.snapshotted() ? h.config().snapshotTag(p) : null);
            List<Object> stages = new ArrayList<>();
            for (Stage s : h.graph().stagesOf(p)) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("name", s.name());
                sm.put("role", s.role().name().toLowerCase().replace('_', '-'));
                sm.put("from", s.from());
                sm.put("operations", s.operations().stream().map(PhaseListing::summary).toList());
                stages.add(sm);
            }
            m.put("stages", stages);
            m.put("inputs", h.hashes().get(p).inputs());
            phases.add(m);
        }
        root.put("phases", phases);
        root.put("machineStep", h.graph().machineStep().stream().filter(o -> !(o instanceof Operation.DeclareArg))
                .map(PhaseListing::summary).toList());
        root.put("warnings", h.graph().warnings());
        return root;
    }

    private static String describe(Stage s) {
        String role = switch (s.role()) {
            case BEFORE_HOOKS -> "before hooks: ";
            case AFTER_HOOKS -> "after hooks: ";
            case CORE -> "";
            case SIDE -> "side stage from " + s.from() + ": ";
        };
        List<String> ops = s.operations().stream().filter(o -> !(o instanceof Operation.DeclareArg))
                .map(PhaseListing::summary).toList();
        return role + (ops.isEmpty() ? "(nothing to do)" : String.join("; ", ops));
    }

    private static String machineStep(PlannedHabitat h) {
        return String.join("; ", h.graph().machineStep().stream().filter(o -> !(o instanceof Operation.DeclareArg))
                .map(PhaseListing::summary).toList());
    }

    static String summary(Operation op) {
        return op.accept(SUMMARY);
    }

    /** One line a person reads for an operation. */
    private static final Operation.Visitor<String> SUMMARY = new Operation.Visitor<>() {
        @Override
        public String runCommand(Operation.RunCommand r) {
            return r.summary();
        }

        @Override
        public String runScript(Operation.RunScript r) {
            return r.summary();
        }

        @Override
        public String copy(Operation.Copy c) {
            return c.summary() + (c.owner() == null ? "" : " (owner " + c.owner() + ")");
        }

        @Override
        public String setEnv(Operation.SetEnv e) {
            return "env " + String.join(", ", e.vars().keySet());
        }

        @Override
        public String setWorkdir(Operation.SetWorkdir w) {
            return "workdir " + w.path();
        }

        @Override
        public String setUser(Operation.SetUser u) {
            return "user " + u.user();
        }

        @Override
        public String setEntrypoint(Operation.SetEntrypoint e) {
            return "entrypoint " + e.argv();
        }

        @Override
        public String setCmd(Operation.SetCmd c) {
            return "cmd " + c.argv();
        }

        @Override
        public String declareArg(Operation.DeclareArg a) {
            return "build argument " + a.name();
        }

        @Override
        public String labelFromArg(Operation.LabelFromArg l) {
            return "label " + l.label() + " from build argument " + l.arg();
        }

        @Override
        public String copyFromStage(Operation.CopyFromStage c) {
            return c.path() + " from " + c.stage();
        }

        @Override
        public String cloneRepo(Operation.CloneRepo c) {
            return "clone " + c.repo().url() + (c.repo().branch() == null ? "" : " (" + c.repo().branch() + ")")
                    + " into " + c.repo().path();
        }
    };
}
