package dev.habitat.core.plan;

import dev.habitat.core.ImagePath;
import dev.habitat.core.Phase;
import dev.habitat.core.config.FileSpec;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.config.Layer;
import dev.habitat.core.config.RepoSpec;
import dev.habitat.core.config.ScriptSpec;
import dev.habitat.core.config.TestSpec;
import dev.habitat.core.config.VerifySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns a {@link HabitatConfig} into a {@link StageGraph}: the 12 phases in order, each with its core
 * operations, and {@code before:}/{@code after:} hooks as stages around the phase they name (files before
 * scripts, config order), with the ids, names and order of the original tool's phases.
 */
public final class Planner {
    public static final String DOCKER_GID_ARG = "DOCKER_GROUP_GID";

    /** The build argument that pins the clone of repos[index] to the commit its remote head had when hashed. */
    public static String repoRevisionArg(int index) {
        return "HABITAT_REPO_" + index + "_REVISION";
    }
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public StageGraph plan(HabitatConfig config) {
        List<String> warnings = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        String baseDockerfile = null;
        String from;
        if (config.base().fromDockerfile()) {
            BaseDockerfile bd = BaseDockerfile.read(config.base().dockerfile());
            baseDockerfile = bd.text();
            from = bd.lastStage();
        } else {
            from = config.base().image();
        }
        for (Phase phase : Phase.values()) {
            List<Operation> before = hookOperations(config, phase, true);
            List<Operation> core = coreOperations(config, phase, warnings);
            List<Operation> after = hookOperations(config, phase, false);
            if (!before.isEmpty()) {
                String name = phase.phaseName() + "-before";
                stages.add(new Stage(name, phase, Stage.Role.BEFORE_HOOKS, from, before));
                from = name;
            }
            String coreName = after.isEmpty() ? phase.phaseName() : phase.phaseName() + "-core";
            if (phase == Phase.REPOS && !core.isEmpty()) {
                core = cloneSideStages(core, before.isEmpty() ? cloneBase(stages) : from, stages);
            }
            stages.add(new Stage(coreName, phase, Stage.Role.CORE, from, core));
            from = coreName;
            if (!after.isEmpty()) {
                stages.add(new Stage(phase.phaseName(), phase, Stage.Role.AFTER_HOOKS, from, after));
                from = phase.phaseName();
            }
        }
        return new StageGraph(config, stages, baseDockerfile, config.base().buildArgs(), warnings, machineStep(config));
    }

    // ---- repos as side stages -----------------------------------------------------------------------

    /**
     * Each clone runs in its own stage from {@code base} (BuildKit runs them concurrently and caches each
     * by its own inputs); the repos core copies the clones in, in config order, so the 7-repos snapshot is
     * what cloning in place would give.
     */
    private static List<Operation> cloneSideStages(List<Operation> core, String base, List<Stage> stages) {
        List<Operation> copies = new ArrayList<>();
        List<Operation> pending = new ArrayList<>();
        for (Operation op : core) {
            pending.add(op);
            if (op instanceof Operation.CloneRepo clone) {
                String name = "repos-clone-" + copies.size();
                stages.add(new Stage(name, Phase.REPOS, Stage.Role.SIDE, base, pending));
                copies.add(new Operation.CopyFromStage(name, clone.repo().path()));
                pending = new ArrayList<>();
            }
        }
        copies.addAll(pending);
        return copies;
    }

    /**
     * The stage clones start from: the end of the habitat phase when the files phase provably cannot change
     * what a clone does or produces (it only copies files to places git does not read), so that editing a
     * copied file does not clone again; otherwise the end of the files phase.
     */
    private static String cloneBase(List<Stage> stages) {
        List<Stage> files = stages.stream().filter(s -> s.phase() == Phase.FILES).toList();
        // a home-relative copy is placed by a script at build time: not provably neutral
        boolean neutral = files.stream().flatMap(s -> s.operations().stream()).allMatch(op -> op instanceof Operation.Copy c
                && c.homeUser() == null && notReadByGit(c.dest()));
        String lastFiles = files.get(files.size() - 1).name();
        if (!neutral) {
            return lastFiles;
        }
        return stages.stream().filter(s -> s.phase() == Phase.HABITAT).reduce((a, b) -> b).map(Stage::name).orElse(lastFiles);
    }

    /** Places whose content can change how git runs as root (programs, libraries, config, certificates, home). */
    private static final List<String> READ_BY_GIT = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/usr",
            "/etc", "/root", "/var/lib", "/run", "/tmp", "/var/cache/habitat-git");

    private static boolean notReadByGit(String dest) {
        String d = ImagePath.normalize(dest);
        return !d.equals("/") && READ_BY_GIT.stream().noneMatch(p -> d.equals(p) || d.startsWith(p + "/"));
    }

    // ---- hooks -------------------------------------------------------------------------------------

    private List<Operation> hookOperations(HabitatConfig config, Phase phase, boolean before) {
        String name = phase.phaseName();
        String point = (before ? "before-" : "after-") + name;
        Predicate<String> at = v -> name.equals(v);
        List<Operation> ops = new ArrayList<>();
        List<FileSpec> files = config.files();
        for (int i = 0; i < files.size(); i++) {
            FileSpec f = files.get(i);
            if (at.test(before ? f.before() : f.after())) {
                ops.add(LayerCopies.copy(config, f, i));
            }
        }
        List<ScriptSpec> scripts = config.scripts();
        for (int i = 0; i < scripts.size(); i++) {
            ScriptSpec s = scripts.get(i);
            if (at.test(before ? s.before() : s.after())) {
                ops.addAll(scriptOps(config, s, point + "/" + i, config.timeouts().forPhase(name).orElse(null)));
            }
        }
        return ops;
    }

    // ---- phase cores -------------------------------------------------------------------------------

    private List<Operation> coreOperations(HabitatConfig c, Phase phase, List<String> warnings) {
        return switch (phase) {
            case BASE, TOOLS -> List.of();
            case USERS -> users(c);
            case ENV -> env(c);
            case WORKDIR -> workdir(c);
            case HABITAT -> habitatDirs(c);
            case FILES -> LayerCopies.files(c, warnings);
            case REPOS -> repos(c);
            case SCRIPTS -> scripts(c);
            case VERIFY -> verify(c);
            case TEST -> tests(c);
            case FINAL -> finalOps(c);
        };
    }

    private List<Operation> users(HabitatConfig c) {
        Set<String> users = new LinkedHashSet<>();
        users.add(c.user());
        c.scripts().forEach(s -> users.add(s.runAs()));
        List<Operation> ops = new ArrayList<>();
        for (String u : users) {
            if (u.equals("root") || u.chars().allMatch(Character::isDigit)) {
                continue;
            }
            String q = Shell.quote(u);
            // useradd writes today's date into /etc/shadow; a fixed one keeps the phase reproducible (same layer
            // whatever the day, and both methods agree)
            ops.add(new Operation.RunCommand("root", "id -u " + q + " >/dev/null 2>&1 || SOURCE_DATE_EPOCH=" + FIXED_DATE
                    + " useradd --create-home --home-dir "
                    + Shell.quote(HabitatConfig.homeOf(u)) + " --shell /bin/bash " + q
                    + "; for g in sudo docker; do if getent group \"$g\" >/dev/null; then usermod -aG \"$g\" " + q + "; fi; done",
                    "create user " + u));
        }
        return ops;
    }

    /**
     * The machine step: give USER the docker socket's group ({@link #DOCKER_GID_ARG}: reuse the group with that id, else
     * create or renumber {@code docker}) and record the fact as a label. It runs last, after 12-final's content, so no
     * phase depends on the machine. It first puts back the group files as they were before any machine step (kept in
     * {@link #MACHINE_STEP_STATE} by the first), so applied again on a 12-final made for another machine it leaves what a
     * build on this machine leaves, not the other machine's group as well.
     */
    private List<Operation> machineStep(HabitatConfig c) {
        String user = c.user();
        String addUser = user.equals("root") ? "" : " && usermod -aG \"$g\" " + Shell.quote(user);
        String arg = "\"$" + DOCKER_GID_ARG + "\"";
        String restore = "d=" + MACHINE_STEP_STATE + "; if [ -d \"$d\" ]; then for f in group gshadow; do if [ -f \"$d/$f\" ]; then "
                + "cp -p \"$d/$f\" \"/etc/$f\"; fi; done; else mkdir -p \"$d\" && for f in group gshadow; do if [ -f \"/etc/$f\" ]; then "
                + "cp -p \"/etc/$f\" \"$d/$f\"; fi; done; fi";
        String join = "if [ -n \"${" + DOCKER_GID_ARG + ":-}\" ]; then g=$(getent group " + arg + " | cut -d: -f1); if [ -z \"$g\" ]; then "
                + "if getent group docker >/dev/null; then groupmod -g " + arg + " docker; else groupadd -g " + arg + " docker; fi; "
                + "g=docker; fi" + addUser + "; fi";
        return List.of(new Operation.DeclareArg(DOCKER_GID_ARG),
                new Operation.RunCommand("root", "set -e; " + restore + "; " + join,
                        "machine step: give " + user + " the docker socket's group (when " + DOCKER_GID_ARG + " is set)"),
                new Operation.SetUser(user),
                new Operation.LabelFromArg(MachineFacts.LABEL_DOCKER_GID, DOCKER_GID_ARG, MachineFacts.NONE));
    }

    /** Where the first machine step keeps the group files as 12-final's content left them. */
    public static final String MACHINE_STEP_STATE = "/var/lib/habitat/machine-step";

    /** 2020-01-01T00:00:00Z: the account date useradd records (lastchg), instead of the day of the build. */
    static final long FIXED_DATE = 1_577_836_800L;

    private List<Operation> env(HabitatConfig c) {
        // The marker names the variables, not their values: it tells the env script that the image ENV is applied,
        // and an image built from the generated Dockerfile with other --build-arg values has the same one.
        String marker = PhaseHasher.digest(String.join("\n", c.env().keySet()));
        Map<String, String> imageEnv = new LinkedHashMap<>(c.env());
        imageEnv.put(GeneratedFiles.ENV_MARKER, marker);
        return List.of(new Operation.SetEnv(imageEnv),
                new Operation.RunCommand("root", GeneratedFiles.envScriptCommand(c.env(), marker), "write " + GeneratedFiles.ENV_SCRIPT));
    }

    private List<Operation> workdir(HabitatConfig c) {
        String wd = c.workdir();
        String chown = c.user().equals("root") ? "" : " && chown " + Shell.quote(c.user() + ":") + " " + Shell.quote(wd);
        return List.of(new Operation.RunCommand("root", "mkdir -p " + Shell.quote(wd) + chown, "create " + wd),
                new Operation.SetWorkdir(wd));
    }

    private List<Operation> habitatDirs(HabitatConfig c) {
        List<String> dirs = new ArrayList<>();
        for (String v : List.of("HABITAT_PATH", "SYSTEM_PATH", "SHARED_PATH", "LOCAL_PATH")) {
            String p = c.env().get(v);
            if (p != null && p.startsWith("/") && !dirs.contains(p)) {
                dirs.add(p);
            }
        }
        if (dirs.isEmpty()) {
            return List.of();
        }
        String quoted = dirs.stream().map(Shell::quote).collect(Collectors.joining(" "));
        String chown = c.user().equals("root") ? "" : " && chown " + Shell.quote(c.user() + ":") + " " + quoted;
        return List.of(new Operation.RunCommand("root", "mkdir -p " + quoted + chown, "create " + String.join(", ", dirs)));
    }


    private List<Operation> repos(HabitatConfig c) {
        List<Operation> ops = new ArrayList<>();
        List<RepoSpec> repos = c.repos();
        for (int i = 0; i < repos.size(); i++) {
            RepoSpec r = repos.get(i);
            String arg = repoRevisionArg(i);
            ops.add(new Operation.DeclareArg(arg));
            ops.add(new Operation.CloneRepo(r, r.owner() != null ? r.owner() : c.user(), arg, c.name()));
        }
        return ops;
    }

    private List<Operation> scripts(HabitatConfig c) {
        List<Operation> ops = new ArrayList<>();
        ops.add(new Operation.Copy(new CopySource.Generated("generated/entrypoint.sh", GeneratedFiles.entrypoint(), 0755),
                GeneratedFiles.ENTRYPOINT, null, "write " + GeneratedFiles.ENTRYPOINT));
        List<ScriptSpec> scripts = c.scripts();
        for (int i = 0; i < scripts.size(); i++) {
            ScriptSpec s = scripts.get(i);
            if (s.before() == null && s.after() == null) {
                ops.addAll(scriptOps(c, s, "scripts/" + i, c.timeouts().forPhase("scripts").orElse(null)));
            }
        }
        return ops;
    }

    /** A config script's step, with the habitat's package caches mounted for its user (verify and tests get none). */
    private List<Operation> scriptOps(HabitatConfig c, ScriptSpec s, String key, Duration timeout) {
        if (s.commands().isEmpty()) {
            return List.of();
        }
        String first = s.commands().get(0).strip().lines().findFirst().orElse("");
        return List.of(new Operation.RunScript(s.runAs(), s.commands(), s.origin().keyPath() + " [" + s.runAs() + "] "
                + (first.length() > 60 ? first.substring(0, 57) + "..." : first), "scripts/" + key, timeout, s.secrets(),
                CacheMount.of(c.name(), c.caches(), s.runAs())));
    }

    private List<Operation> verify(HabitatConfig c) {
        if (c.verifyFs().isEmpty()) {
            return List.of();
        }
        List<String> paths = c.verifyFs().stream().map(VerifySpec::path).toList();
        return List.of(new Operation.RunScript(c.user(), List.of(GeneratedFiles.verifyScript(paths)),
                "verify-fs: " + paths.size() + " required path(s) as " + c.user(), "scripts/verify",
                c.timeouts().forPhase("verify").orElse(null), List.of()));
    }

    private List<Operation> tests(HabitatConfig c) {
        if (c.tests().isEmpty()) {
            return List.of();
        }
        List<String> commands = new ArrayList<>();
        for (TestSpec t : c.tests()) {
            if (c.entry().bypassHabitatConstruction() && !t.path().startsWith("/")) {
                commands.add(bypassTest(c, t.path()));
                continue;
            }
            String dir = testBase(c, t.origin().layer());
            String cd = dir == null || t.path().startsWith("/") ? "" : "cd " + Shell.quote(dir) + " && ";
            commands.add(cd + "bash " + Shell.quote(t.path()));
        }
        return List.of(new Operation.RunScript(c.user(), commands, "tests: " + c.tests().size() + " script(s) as " + c.user(),
                "scripts/test", c.timeouts().forPhase("test").orElse(null), List.of()));
    }

    /**
     * A bypass habitat copies no layer directory: its repository, cloned into WORKDIR, holds its tests, and a
     * relative test is found where the original found it: under {@code ${WORKDIR}/habitats/<name>/} (its test
     * command), or from WORKDIR when the path already starts with {@code habitats/<name>/} (its test phase ran
     * {@code cd $WORKDIR && bash <path>}). Whether it is there is known only in the image, so the step checks.
     */
    static String bypassTest(HabitatConfig c, String path) {
        String prefix = "habitats/" + c.name() + "/";
        String dir = path.startsWith(prefix) ? c.workdir() : c.workdir() + "/" + prefix.substring(0, prefix.length() - 1);
        String where = dir + "/" + path;
        String missing = "habitat: test '" + path + "' is not in the image at " + where + ": with entry.bypass_habitat_construction"
                + " the habitat's tests come from its repository cloned into WORKDIR (" + c.workdir() + "), under " + prefix
                + "; clone it there (repos: - path: ${WORKDIR}) or list the test by its absolute path in the image";
        return "cd " + Shell.quote(dir) + " 2>/dev/null && [ -f " + Shell.quote(path) + " ] || { echo " + Shell.quote(missing)
                + " >&2; exit 1; }; bash " + Shell.quote(path);
    }

    /** Test paths are relative to their layer's directory as copied into the image. */
    private static String testBase(HabitatConfig c, Layer layer) {
        String dir = c.entry().bypassHabitatConstruction() ? null : LayerCopies.layerTarget(c, layer);
        return dir != null ? dir : c.workdir();
    }


    private List<Operation> finalOps(HabitatConfig c) {
        String command = c.entry().command();
        List<Operation> ops = new ArrayList<>(LayerCopies.layerConfigCopies(c));
        ops.addAll(List.of(new Operation.SetUser(c.user()), new Operation.SetWorkdir(c.workdir()),
                new Operation.SetEntrypoint(List.of(GeneratedFiles.ENTRYPOINT)),
                new Operation.SetCmd(command == null ? List.of("/bin/bash") : List.of("/bin/bash", "-c", command))));
        return ops;
    }

    /** The PATH an image without one gets, so that {@code PATH=${PATH}:/x} never loses the standard dirs. */
    public static String defaultPath() {
        return DEFAULT_PATH;
    }
}
