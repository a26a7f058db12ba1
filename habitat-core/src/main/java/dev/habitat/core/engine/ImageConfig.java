package dev.habitat.core.engine;

import java.util.List;

/** The runtime config of an image, as a build method needs it to continue from that image. */
public record ImageConfig(List<String> env, List<String> entrypoint, List<String> cmd, String user, String workingDir) {
    public ImageConfig {
        env = env == null ? List.of() : List.copyOf(env);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
    }
}
