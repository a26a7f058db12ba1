package dev.habitat.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The facts of the building machine that enter the image: today only the group id of the engine's docker socket
 * (the habitat's USER joins that group, so the socket mounted at run time is usable). They are no input of any phase
 * hash, so snapshots are shared across machines; the machine step applies them last, on top of 12-final's content,
 * and the final image records them as {@code habitat.machine.*} labels, so a 12-final made elsewhere (or before the
 * socket's group changed) is told apart and gets only the machine step again.
 *
 * @param dockerGroupGid the docker socket's group id; empty for a remote engine or a socket of group root
 */
public record MachineFacts(Optional<String> dockerGroupGid) {
    public static final String LABEL_PREFIX = "habitat.machine.";
    public static final String LABEL_DOCKER_GID = LABEL_PREFIX + "docker-gid";
    /** The label's value when the machine gives no group. */
    public static final String NONE = "none";

    public static MachineFacts none() {
        return new MachineFacts(Optional.empty());
    }

    /** The labels the machine step leaves on the final image. */
    public Map<String, String> labels() {
        return Map.of(LABEL_DOCKER_GID, dockerGroupGid.orElse(NONE));
    }

    /** The build arguments that carry these facts into the machine step. */
    public Map<String, String> buildArgs() {
        Map<String, String> args = new LinkedHashMap<>();
        dockerGroupGid.ifPresent(g -> args.put(Planner.DOCKER_GID_ARG, g));
        return args;
    }

    /**
     * How an image's machine labels differ from these facts ({@code habitat.machine.docker-gid is 106, here 101}); empty
     * when the image was made for this machine. A missing label differs, so no image is taken for this machine's blindly.
     */
    public List<String> differencesFrom(Map<String, String> imageLabels) {
        List<String> out = new ArrayList<>();
        labels().forEach((k, v) -> {
            String there = imageLabels.get(k);
            if (!v.equals(there)) {
                out.add(k + " is " + (there == null ? "absent" : there) + ", here " + v);
            }
        });
        return out;
    }
}
