package dev.habitat.core.plan;

import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.config.RepoSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One typed step of a stage. Both build methods interpret these: the BuildKit renderer turns them into
 * Dockerfile instructions, the docker-exec method into exec, archive copy and commit changes.
 * {@link #canonical()} is what a phase hash covers: stable across runs and machines (no host paths).
 *
 * <p>Code that does something per kind of operation does it through a {@link Visitor}: a new operation adds its
 * method there, so every method, renderer and listing that does not handle it yet stops compiling (Java 17 has no
 * exhaustive pattern switch; an {@code instanceof} chain would fail only when a build meets the new operation).
 */
public sealed interface Operation {
    /** Where a step's secrets are mounted (BuildKit) or written into a tmpfs (docker-exec). */
    String SECRETS_DIR = "/run/secrets";
    /** The secret holding the username that goes with a repo's credentials, next to the token's id. */
    String USERNAME_SUFFIX = ".username";

    String canonical();

    /** Calls the visitor's method for this kind of operation. */
    <R> R accept(Visitor<R> visitor);

    /**
     * What the build context holds for this operation, relative to the context's root: a copy's staged source, a
     * script's runner directory; empty for operations that read nothing from the context.
     */
    default Optional<String> contextPath() {
        return Optional.empty();
    }

    /** One method per kind of operation, for what a build method or a listing does with each. */
    interface Visitor<R> {
        R runCommand(RunCommand op);

        R runScript(RunScript op);

        R copy(Copy op);

        R setEnv(SetEnv op);

        R setWorkdir(SetWorkdir op);

        R setUser(SetUser op);

        R setEntrypoint(SetEntrypoint op);

        R setCmd(SetCmd op);

        R declareArg(DeclareArg op);

        R labelFromArg(LabelFromArg op);

        R copyFromStage(CopyFromStage op);

        R cloneRepo(CloneRepo op);
    }

    /** One line of POSIX shell run as {@code user}; for the plugin's own steps (values already quoted). */
    record RunCommand(String user, String command, String summary) implements Operation {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.runCommand(this);
        }

        public String canonical() {
            return "run user=" + user + " cmd=" + command;
        }
    }

    /**
     * Commands of a config script, run one by one as {@code user} by a small runner staged under
     * {@code contextDir} (a short script's commands in the step's command line, a longer one's as files beside
     * the runner); the first non-zero exit code fails the step. {@code secrets} are
     * readable as {@code /run/secrets/<id>} during this step only. {@code caches} are the package caches mounted
     * while it runs (config scripts only); they are not in {@link #canonical()}, so turning one on or off never
     * invalidates a snapshot.
     */
    record RunScript(String user, List<String> commands, String summary, String contextDir, Duration timeout,
                     List<String> secrets, List<CacheMount> caches) implements Operation {
        public RunScript {
            commands = List.copyOf(commands);
            secrets = List.copyOf(secrets);
            caches = List.copyOf(caches);
        }

        public RunScript(String user, List<String> commands, String summary, String contextDir, Duration timeout,
                         List<String> secrets) {
            this(user, commands, summary, contextDir, timeout, secrets, List.of());
        }

        /** Whether apt's cache is mounted, so apt must be told to keep its downloads there. */
        public boolean aptCache() {
            return caches.stream().anyMatch(CacheMount::apt);
        }

        public RunScript(String user, List<String> commands, String summary, String contextDir) {
            this(user, commands, summary, contextDir, null, List.of());
        }

        /** Longest command, and most commands, a script may have to be written in its step's command line. */
        public static final int INLINE_COMMAND_CHARS = 200;
        public static final int INLINE_COMMANDS = 5;

        /**
         * Whether the commands go in the step's command line itself, so that {@code docker history} and the build
         * output show them: a few single-line commands of printable text. Longer or multi-line scripts are staged
         * as files beside the runner.
         */
        public boolean inline() {
            return commands.size() <= INLINE_COMMANDS && commands.stream().map(c -> c.endsWith("\n") ? c.substring(0, c.length() - 1) : c)
                    .allMatch(c -> !c.isBlank() && c.length() <= INLINE_COMMAND_CHARS && c.chars().noneMatch(ch -> ch < 0x20 && ch != '\t'));
        }

        /** The script's name in its step's command line: the config key it comes from (scripts[0], tests, verify-fs). */
        public String name() {
            String first = summary.strip().split("\\s+", 2)[0];
            return first.endsWith(":") ? first.substring(0, first.length() - 1) : first;
        }

        /**
         * The command line that runs the staged runner (under {@code timeout} when the phase has one): the
         * script's name (the runner ignores it), then, for an {@link #inline} script, {@code --} and its commands.
         */
        public List<String> runnerArgv(String mountPoint) {
            List<String> argv = new ArrayList<>();
            if (timeout != null) {
                argv.addAll(List.of("timeout", "--kill-after=10", Math.max(1, timeout.toSeconds()) + "s"));
            }
            argv.addAll(List.of("bash", mountPoint + "/run.sh", name()));
            if (inline()) {
                argv.add("--");
                commands.forEach(c -> argv.add(c.endsWith("\n") ? c.substring(0, c.length() - 1) : c));
            }
            return argv;
        }

        public <R> R accept(Visitor<R> visitor) {
            return visitor.runScript(this);
        }

        @Override
        public Optional<String> contextPath() {
            return Optional.of(contextDir);
        }

        public String canonical() {
            // secret ids, never values: a new token does not rebuild, using another secret does; caches never
            // (what a script leaves in the image does not depend on them)
            return "script user=" + user + " dir=" + contextDir + " cmds=" + commands.stream()
                    .map(c -> c.length() + ":" + c).collect(Collectors.joining("|"))
                    + (timeout == null ? "" : " timeout=" + timeout.toSeconds())
                    + (secrets.isEmpty() ? "" : " secrets=" + String.join(",", secrets));
        }
    }

    /**
     * Copy a staged source to {@code dest}, owned by {@code owner} ({@code user[:group]}, null for root).
     * With {@code homeUser}, {@code dest} lies in that user's home, which is looked up in the image when the
     * step runs (a user of the base image may live elsewhere than {@code /home/<user>}).
     */
    record Copy(CopySource source, String dest, String owner, String summary, String homeUser) implements Operation {
        public Copy(CopySource source, String dest, String owner, String summary) {
            this(source, dest, owner, summary, null);
        }

        /** The part of {@code dest} below the home, when it is home-relative. */
        public String pathInHome() {
            return homeUser == null ? null : dest.substring(HabitatConfig.homeOf(homeUser).length());
        }

        public <R> R accept(Visitor<R> visitor) {
            return visitor.copy(this);
        }

        @Override
        public Optional<String> contextPath() {
            return Optional.of(source.contextPath());
        }

        public String canonical() {
            return "copy " + source.canonical() + " dest=" + dest + " owner=" + owner + (homeUser == null ? "" : " home=" + homeUser);
        }
    }

    record SetEnv(Map<String, String> vars) implements Operation {
        public SetEnv {
            vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
        }

        public <R> R accept(Visitor<R> visitor) {
            return visitor.setEnv(this);
        }

        public String canonical() {
            return "env " + vars.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().length() + ":" + e.getValue())
                    .collect(Collectors.joining(" "));
        }
    }

    record SetWorkdir(String path) implements Operation {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.setWorkdir(this);
        }

        public String canonical() {
            return "workdir " + path;
        }
    }

    record SetUser(String user) implements Operation {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.setUser(this);
        }

        public String canonical() {
            return "user " + user;
        }
    }

    record SetEntrypoint(List<String> argv) implements Operation {
        public SetEntrypoint {
            argv = List.copyOf(argv);
        }

        public <R> R accept(Visitor<R> visitor) {
            return visitor.setEntrypoint(this);
        }

        public String canonical() {
            return "entrypoint " + argv;
        }
    }

    record SetCmd(List<String> argv) implements Operation {
        public SetCmd {
            argv = List.copyOf(argv);
        }

        public <R> R accept(Visitor<R> visitor) {
            return visitor.setCmd(this);
        }

        public String canonical() {
            return "cmd " + argv;
        }
    }

    /** A build argument the following steps may read (e.g. the host docker socket's group id). */
    record DeclareArg(String name) implements Operation {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.declareArg(this);
        }

        public String canonical() {
            return "arg " + name;
        }
    }

    /**
     * The image label {@code label} set to build argument {@code arg}'s value, or {@code absent} when it is not given
     * (the machine step records the machine's facts so: {@code LABEL k="${ARG:-none}"}, or the exec commit's label).
     */
    record LabelFromArg(String label, String arg, String absent) implements Operation {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.labelFromArg(this);
        }

        public String canonical() {
            return "label " + label + "=${" + arg + ":-" + absent + "}";
        }
    }

    /**
     * Replace {@code path} with the same path of side stage {@code stage} (owner, mode and times kept). The
     * docker-exec method runs that stage's operations in place instead.
     */
    record CopyFromStage(String stage, String path) implements Operation {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.copyFromStage(this);
        }

        public String canonical() {
            return "copy-from stage=" + stage + " path=" + path;
        }
    }

    /**
     * Clone a repository, {@code revisionArg} naming the build argument that carries the remote commit
     * resolved on the host (so that an upstream change, and only that, reruns the clone).
     */
    record CloneRepo(RepoSpec repo, String owner, String revisionArg, String habitat) implements Operation {
        /** Secrets the clone reads: the repo's credentials (password or token, and an optional username). */
        public List<String> secrets() {
            return repo.auth() == null ? List.of() : List.of(repo.auth(), repo.auth() + USERNAME_SUFFIX);
        }

        /**
         * The git mirror cache of this repository for this habitat: BuildKit's cache mount id and docker-exec's
         * volume name. One per habitat and URL, so one habitat's build cannot plant a mirror (refs, config, hooks)
         * that another habitat's clone, holding that habitat's token, reads.
         */
        public String gitCache() {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest((habitat + "\n" + repo.url()).getBytes(StandardCharsets.UTF_8));
                return "habitat-git-" + HexFormat.of().formatHex(d, 0, 12);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }

        public <R> R accept(Visitor<R> visitor) {
            return visitor.cloneRepo(this);
        }

        public String canonical() {
            return "clone url=" + repo.url() + " path=" + repo.path() + " branch=" + repo.branch() + " shallow="
                    + repo.shallow() + " owner=" + owner + " arg=" + revisionArg + (repo.auth() == null ? "" : " auth=" + repo.auth());
        }
    }
}
