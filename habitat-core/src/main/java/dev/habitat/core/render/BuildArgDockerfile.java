package dev.habitat.core.render;

import dev.habitat.core.Phase;
import dev.habitat.core.plan.CopySource;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.plan.StageGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The generated Dockerfile with the config's env values as build args ({@code ARG USER="dev"}), so that a plain
 * {@code docker build --build-arg USER=alice} builds what {@code habitat:build -Dhabitat.arg.USER=alice} builds.
 *
 * <p>Where a value lands is found, not guessed: the habitat is planned again with the variable set to a
 * placeholder that appears nowhere else, and every place the placeholder shows up in that Dockerfile is a place
 * the value reaches (the variable itself, values derived from it, a home, a chown, a path in a script). Each is
 * replaced by the expansion its instruction reads ({@code ${USER}} in ENV, WORKDIR, USER, COPY and FROM;
 * {@code "${USER}"} in a RUN word, opening and closing its quotes). A variable becomes a build arg only when
 * this is exact: putting its value back gives the plugin's Dockerfile line for line, it reaches no instruction
 * that does not expand variables (CMD, ENTRYPOINT, a mount), and no file of the build context holds it (a
 * context file cannot see a build arg, so the image would silently keep the old value there).
 */
public final class BuildArgDockerfile {
    /** A build arg's stages before the ENV instruction read it from {@code ARG NAME}; later ones from the ENV. */
    private static final Phase ENV_SET = Phase.ENV;

    /** The Dockerfile, the variables it takes as build args, and why each other variable is not one. */
    public record Result(String dockerfile, List<String> buildArgs, Map<String, String> notBuildArgs) {}

    /** The habitat planned with placeholders: the Dockerfile it renders (no labels), or why they cannot be build args. */
    private record Trial(String dockerfile, String refusal) {}

    /** The build args with their defaults, and the Dockerfile (no labels) with all their placeholders. */
    private record Found(Map<String, String> defaults, String withPlaceholders) {}

    private final DockerfileRenderer renderer = new DockerfileRenderer();

    /**
     * @param planWith plans this habitat again with some env variables overridden (as build args do); it
     *                 throws when the config refuses the values
     */
    public Result render(StageGraph graph, Map<Phase, PhaseHash> hashes, Function<Map<String, String>, StageGraph> planWith) {
        Map<String, String> defaults = new LinkedHashMap<>(graph.config().env());
        defaults.remove("PATH"); // extends the base image's PATH, which the plugin does not know
        String plain = renderer.render(graph, null);
        Map<String, String> placeholders = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        int index = 0;
        for (Map.Entry<String, String> e : defaults.entrySet()) {
            String placeholder = (e.getValue().startsWith("/") ? "/" : "") + "zzhabitatarg" + index++ + "x";
            String why = trial(plain, Map.of(e.getKey(), placeholder), Map.of(e.getKey(), e.getValue()), planWith).refusal();
            if (why == null) {
                placeholders.put(e.getKey(), placeholder);
            } else {
                refused.put(e.getKey(), why);
            }
        }
        Found found = stableArgs(plain, placeholders, defaults, refused, planWith);
        String text = placeholders.isEmpty() ? renderer.render(graph, hashes)
                : withArgs(graph, renderer.render(graph, hashes), plain, found.withPlaceholders(), placeholders, found.defaults(), refused);
        return new Result(text, List.copyOf(found.defaults().keySet()), refused);
    }

    /**
     * The build args and their defaults, once all of them at once are still exact (a value may be derived from
     * two of them). A variable the config derives from others gets a default that derives it the same way
     * ({@code ARG TOOLS_HOME="/home/${USER}/tools"}), so that {@code --build-arg USER=alice} moves it as
     * {@code -Dhabitat.arg.USER=alice} does; what it is derived from must be declared before it.
     */
    private Found stableArgs(String plain, Map<String, String> placeholders, Map<String, String> defaults,
                                           Map<String, String> refused, Function<Map<String, String>, StageGraph> planWith) {
        while (true) {
            Trial all = trial(plain, placeholders, defaults, planWith);
            while (all.refusal() != null) {
                String last = new ArrayList<>(placeholders.keySet()).get(placeholders.size() - 1);
                placeholders.remove(last);
                refused.put(last, "its value is mixed with another variable's where they meet");
                all = trial(plain, placeholders, defaults, planWith);
            }
            Map<String, String> args = new LinkedHashMap<>();
            String late = null;
            for (String name : placeholders.keySet()) {
                Map<String, String> others = new LinkedHashMap<>(placeholders);
                others.remove(name);
                String value = others.isEmpty() ? defaults.get(name) : planWith.apply(others).config().env().get(name);
                String expression = DockerfileSyntax.quotedLiteral(value);
                for (Map.Entry<String, String> other : others.entrySet()) {
                    if (expression.contains(other.getValue())) {
                        late = args.containsKey(other.getKey()) ? late : name;
                        expression = expression.replace(other.getValue(), "${" + other.getKey() + "}");
                    }
                }
                args.put(name, expression);
            }
            if (late == null) {
                return new Found(args, all.dockerfile());
            }
            placeholders.remove(late);
            refused.put(late, "it is derived from a variable the env defines after it");
        }
    }

    /** Plans with these placeholders and checks that they can be build args (none at all: the plain Dockerfile). */
    private Trial trial(String plain, Map<String, String> placeholders, Map<String, String> defaults,
                        Function<Map<String, String>, StageGraph> planWith) {
        if (placeholders.isEmpty()) {
            return new Trial(plain, null);
        }
        StageGraph withPlaceholders;
        try {
            withPlaceholders = planWith.apply(placeholders);
        } catch (RuntimeException e) {
            return refusal("the config does not load with another value for it");
        }
        for (String file : contextTexts(withPlaceholders)) {
            if (placeholders.values().stream().anyMatch(file::contains)) {
                return refusal("its value is written into a file of the build context, which a build arg cannot change");
            }
        }
        String[] expected = plain.split("\n", -1);
        String rendered = renderer.render(withPlaceholders, null);
        String[] lines = rendered.split("\n", -1);
        if (lines.length != expected.length) {
            return refusal("another value changes the Dockerfile's steps, not only their values, e.g. one more user to create");
        }
        String instruction = "";
        for (int i = 0; i < lines.length; i++) {
            instruction = instructionOf(lines, i, instruction);
            String back = lines[i];
            boolean used = false;
            for (Map.Entry<String, String> p : placeholders.entrySet()) {
                used |= back.contains(p.getValue());
                back = back.replace(p.getValue(), defaults.get(p.getKey()));
            }
            if (!back.equals(expected[i])) {
                return refusal("its value is quoted, escaped or changed where it is used, which a build arg cannot repeat");
            }
            if (used && !isComment(lines[i]) && !expands(instruction, lines[i], placeholders)) {
                return refusal("its value reaches " + instruction + ", which cannot read a build arg there");
            }
        }
        return new Trial(rendered, null);
    }

    private static Trial refusal(String why) {
        return new Trial(null, why);
    }

    /** The text of every file the plugin writes into the build context from the config. */
    private static List<String> contextTexts(StageGraph graph) {
        List<String> texts = new ArrayList<>();
        for (Stage stage : graph.stages()) {
            for (Operation op : stage.operations()) {
                if (op instanceof Operation.Copy c && c.source() instanceof CopySource.Generated g) {
                    texts.add(g.content());
                } else if (op instanceof Operation.RunScript s && !s.inline()) {
                    texts.addAll(s.commands());
                }
            }
        }
        return texts;
    }

    /** The instruction line {@code i} belongs to: its own first word, or the one it continues. */
    private static String instructionOf(String[] lines, int i, String previous) {
        if (i > 0 && lines[i - 1].endsWith("\\") && !isComment(lines[i - 1])) {
            return previous;
        }
        if (isComment(lines[i]) || lines[i].isBlank()) {
            return "";
        }
        return lines[i].strip().split("\\s+", 2)[0];
    }

    private static boolean isComment(String line) {
        return line.stripLeading().startsWith("#");
    }

    private static boolean expands(String instruction, String line, Map<String, String> placeholders) {
        return switch (instruction) {
            case "ENV", "WORKDIR", "USER", "COPY", "FROM" -> true;
            case "RUN" -> placeholders.values().stream().noneMatch(p -> {
                int at = line.indexOf(p);
                return at >= 0 && at < runCommandStart(line);
            });
            default -> false;
        };
    }

    /** Where a RUN line's shell command starts, after its {@code --mount} flags (which read no build arg). */
    private static int runCommandStart(String line) {
        int at = "RUN ".length();
        while (line.startsWith("--", at)) {
            int space = line.indexOf(' ', at);
            at = space < 0 ? line.length() : space + 1;
        }
        return at;
    }

    /**
     * The labelled Dockerfile with each placeholder position replaced by its expansion, {@code ARG NAME} in the
     * stages that read a build arg before the ENV instruction has set it, and the global ARGs with the defaults.
     */
    private String withArgs(StageGraph graph, String labelled, String plain, String withPlaceholders,
                            Map<String, String> placeholders, Map<String, String> args, Map<String, String> refused) {
        String[] plainLines = plain.split("\n", -1);
        String[] lines = withPlaceholders.split("\n", -1);
        List<String> out = new ArrayList<>();
        String instruction = "";
        int instructionStart = 0;
        Set<String> declared = new LinkedHashSet<>();
        Phase phase = null;
        int p = 0;
        for (String line : labelled.split("\n", -1)) {
            if (p >= plainLines.length || !line.equals(plainLines[p])) {
                out.add(line); // a LABEL line: the hash labels describe the config's own values
                continue;
            }
            String own = lines[p];
            instruction = instructionOf(lines, p, instruction);
            p++;
            if (!instruction.isEmpty() && !own.startsWith(" ")) {
                instructionStart = out.size();
            }
            if (instruction.equals("FROM")) {
                phase = phaseOfStage(graph, own);
                declared.clear();
            }
            if (isComment(own) || placeholders.values().stream().noneMatch(own::contains)) {
                out.add(line);
                continue;
            }
            String replaced = instruction.equals("RUN") ? inRunCommand(own, placeholders) : inInstruction(own, placeholders);
            out.add(replaced);
            if (!instruction.equals("FROM") && (phase == null || phase.id() <= ENV_SET.id())) {
                for (Map.Entry<String, String> e : placeholders.entrySet()) {
                    if (own.contains(e.getValue()) && declared.add(e.getKey())) {
                        out.add(instructionStart, "ARG " + e.getKey());
                        instructionStart++;
                    }
                }
            }
        }
        return header(String.join("\n", out), args, refused);
    }

    private static Phase phaseOfStage(StageGraph graph, String fromLine) {
        String[] words = fromLine.strip().split("\\s+");
        String name = words[words.length - 1];
        Optional<Stage> stage = graph.stageNamed(name);
        if (stage.isEmpty() && name.startsWith(DockerfileRenderer.SIDE_CHAIN_PREFIX)) {
            stage = graph.stageNamed(name.substring(DockerfileRenderer.SIDE_CHAIN_PREFIX.length()));
        }
        return stage.map(Stage::phase).orElse(null);
    }

    private static String inInstruction(String line, Map<String, String> placeholders) {
        for (Map.Entry<String, String> e : placeholders.entrySet()) {
            line = line.replace(e.getValue(), "${" + e.getKey() + "}");
        }
        return line;
    }

    /**
     * A RUN line's placeholders as the shell expansion that gives the same word: {@code '"${N}"'} inside single
     * quotes, {@code ${N}} inside double quotes, {@code "${N}"} outside quotes.
     */
    static String inRunCommand(String line, Map<String, String> placeholders) {
        StringBuilder out = new StringBuilder();
        char quote = 0;
        int openedAt = -1; // where the open single-quoted run's quote was written
        int i = 0;
        while (i < line.length()) {
            Map.Entry<String, String> hit = placeholderAt(line, i, placeholders);
            if (hit != null) {
                String ref = "\"${" + hit.getKey() + "}\"";
                i += hit.getValue().length();
                if (quote == '"') {
                    out.append(ref, 1, ref.length() - 1);
                } else if (quote == 0) {
                    out.append(ref);
                } else {
                    // close the single quotes around the expansion, leaving out an empty '' on either side
                    if (openedAt == out.length() - 1) {
                        out.setLength(openedAt);
                    } else {
                        out.append('\'');
                    }
                    out.append(ref);
                    if (i < line.length() && line.charAt(i) == '\'') {
                        i++;
                        quote = 0;
                    } else {
                        openedAt = out.length();
                        out.append('\'');
                    }
                }
                continue;
            }
            char c = line.charAt(i);
            out.append(c);
            if (c == '\\' && quote != '\'' && i + 1 < line.length()) {
                out.append(line.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '\'' && quote == 0) {
                openedAt = out.length() - 1;
            }
            if ((c == '\'' || c == '"') && (quote == 0 || quote == c)) {
                quote = quote == 0 ? c : 0;
            }
            i++;
        }
        return out.toString();
    }

    private static Map.Entry<String, String> placeholderAt(String line, int at, Map<String, String> placeholders) {
        for (Map.Entry<String, String> e : placeholders.entrySet()) {
            if (line.startsWith(e.getValue(), at)) {
                return e;
            }
        }
        return null;
    }

    private static String header(String dockerfile, Map<String, String> args, Map<String, String> refused) {
        StringBuilder h = new StringBuilder("# Build args: docker build --build-arg NAME=value gives a variable of the config's env\n")
                .append("# another value, as -Dhabitat.arg.NAME=value does for habitat:build. The plugin's checks of a value (a valid\n")
                .append("# user name, an absolute path) do not run here, and a RUN step uses it as written: keep it free of quotes,\n")
                .append("# $ and \\. The habitat.hash labels describe the config's own values.\n");
        args.forEach((k, v) -> h.append("ARG ").append(k).append('=').append(v).append('\n'));
        refused.forEach((k, why) -> h.append("# not a build arg: ").append(k).append(" (").append(why).append(")\n"));
        int afterOpening = dockerfile.indexOf("\n\n") + 2; // the renderer opens with a comment block and a blank line
        return dockerfile.substring(0, afterOpening) + h + "\n" + dockerfile.substring(afterOpening);
    }
}
