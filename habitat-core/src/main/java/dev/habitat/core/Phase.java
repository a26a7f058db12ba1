package dev.habitat.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The phase catalogue: the 12 phases of the original tool, with their ids and names unchanged. */
public enum Phase {
    BASE(1, "base", "start from the base image or the habitat's Dockerfile"),
    USERS(2, "users", "create USER and every run_as user"),
    ENV(3, "env", "set the habitat env as image ENV and in /etc/profile.d/habitat-env.sh"),
    WORKDIR(4, "workdir", "create WORKDIR, owned by USER, and make it the working directory"),
    HABITAT(5, "habitat", "create HABITAT_PATH, SYSTEM_PATH, SHARED_PATH and LOCAL_PATH, owned by USER"),
    FILES(6, "files", "copy the system, shared and habitat directories, then files[] with owner and mode"),
    REPOS(7, "repos", "clone repos[] (branch, shallow) and hand them to their owner"),
    TOOLS(8, "tools", "tools (declarative only: hashed, nothing to run)"),
    SCRIPTS(9, "scripts", "write /entrypoint.sh, then run scripts[] as their run_as user"),
    VERIFY(10, "verify", "check verify-fs.required_files as USER, listing every missing path"),
    TEST(11, "test", "run tests[] as USER; a non-zero exit fails the build"),
    FINAL(12, "final", "set entrypoint, cmd, user and workdir; then the machine step (USER joins the docker socket's group)");

    private final int id;
    private final String phaseName;
    private final String summary;

    Phase(int id, String phaseName, String summary) {
        this.id = id;
        this.phaseName = phaseName;
        this.summary = summary;
    }

    public int id() {
        return id;
    }

    /** The phase name as configs and tags spell it ({@code files}). */
    public String phaseName() {
        return phaseName;
    }

    public String summary() {
        return summary;
    }

    /** The original tool snapshotted every phase but verify and test; so do we. */
    public boolean snapshotted() {
        return this != VERIFY && this != TEST;
    }

    /** {@code 6-files}: the tag suffix of this phase's snapshot. */
    public String tagSuffix() {
        return id + "-" + phaseName;
    }

    public Phase previous() {
        return id == 1 ? null : values()[ordinal() - 1];
    }

    public static Optional<Phase> byName(String name) {
        return Arrays.stream(values()).filter(p -> p.phaseName.equals(name)).findFirst();
    }

    /**
     * The one parser of phase names, for parameters and config alike: an id ({@code 6}), a name
     * ({@code files}) or a tag suffix ({@code 6-files}), in any case.
     */
    public static Optional<Phase> parse(String idOrName) {
        if (idOrName == null) {
            return Optional.empty();
        }
        String s = idOrName.trim().toLowerCase(Locale.ROOT);
        for (Phase p : values()) {
            if (s.equals(p.phaseName) || s.equals(String.valueOf(p.id)) || s.equals(p.tagSuffix())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #parse} but fails with the nearest phase name, if one is close, and the list of valid phases. */
    public static Phase require(String idOrName, String what) {
        return parse(idOrName).orElseThrow(() -> new IllegalArgumentException(
                "Unknown " + what + " phase '" + idOrName + "'." + didYouMean(idOrName).map(p -> " Did you mean '" + p + "'?")
                        .orElse("") + " Valid phases: " + validList()));
    }

    /** The phase name nearest to a misspelt one (at most two edits away), e.g. {@code fils} -> {@code files}. */
    public static Optional<String> didYouMean(String misspelt) {
        return misspelt == null ? Optional.empty()
                : Spelling.nearest(misspelt.trim().replaceFirst("^\\d+-", ""), names(), 2);
    }

    public static String validList() {
        return Arrays.stream(values()).map(Phase::tagSuffix).collect(Collectors.joining(", "));
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Phase::phaseName).toList();
    }
}
