package dev.habitat.core;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The build methods a user can ask for ({@code build_method} in the config, {@code -Dhabitat.buildMethod}): the one
 * list every check of a requested name reads, and the value of a snapshot's {@code habitat.method} label.
 */
public enum BuildMethodName {
    /** BuildKit where the engine has it, else docker-exec. */
    AUTO("auto"),
    /** Render each segment as a Dockerfile and build it with BuildKit. */
    BUILDKIT("buildkit"),
    /** Run the same operations with exec and commit in one container. */
    DOCKER_EXEC("docker-exec");

    private final String id;

    BuildMethodName(String id) {
        this.id = id;
    }

    /** The name as the config and the command line write it. */
    public String id() {
        return id;
    }

    /** Every accepted name, in this order: {@code auto, buildkit, docker-exec}. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(BuildMethodName::id).toList();
    }

    /** The method named {@code name} exactly (surrounding blanks ignored); empty for any other text. */
    public static Optional<BuildMethodName> of(String name) {
        String n = name == null ? "" : name.trim();
        return Arrays.stream(values()).filter(m -> m.id.equals(n)).findFirst();
    }
}
