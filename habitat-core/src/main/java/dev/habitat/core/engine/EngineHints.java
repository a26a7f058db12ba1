package dev.habitat.core.engine;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The way out of failures that come from what an engine is rather than from the habitat: an engine without
 * the default bridge network, Podman's short image names, a Dockerfile feature the engine's builder lacks.
 * Each hint names the engine.
 */
public final class EngineHints {
    private record Hint(Pattern symptom, String wayOut) { }

    private static final List<Hint> HINTS = List.of(
            new Hint(Pattern.compile("network\\s+\"?bridge\"?\\s+not found|no such network:?\\s+\"?bridge",
                    Pattern.CASE_INSENSITIVE),
                    "%s has no default bridge network (a rootless engine, or a daemon started with --bridge=none): "
                            + "build with -Dhabitat.network=host, or set network: host in config.yaml."),
            new Hint(Pattern.compile("short-name .* did not resolve to an alias|short-name resolution enforced",
                    Pattern.CASE_INSENSITIVE),
                    "%s does not expand short image names: give base_image its full name, e.g. "
                            + "docker.io/library/debian:bookworm."),
            new Hint(Pattern.compile("requires BuildKit|unknown flag: (mount|secret)|--mount.*not supported",
                    Pattern.CASE_INSENSITIVE),
                    "%s builds Dockerfiles without BuildKit: build with -Dhabitat.buildMethod=auto or docker-exec."),
            new Hint(Pattern.compile("exec format error", Pattern.CASE_INSENSITIVE),
                    "%s cannot run the binaries of the platform built for: no emulation is registered on the engine's "
                            + "host. There, install Debian's or Ubuntu's qemu-user-static (its binfmt handlers carry the "
                            + "fix-binary flag, so containers use them), or run docker run --privileged --rm tonistiigi/binfmt "
                            + "--install all once; Docker Desktop has it built in. Or build only the engine's own platform "
                            + "there (-Dhabitat.platforms=<its platform>) and let a machine of the other platform build its own."));

    private EngineHints() {
    }

    /** The way out for a failure whose text shows an engine difference, naming the engine; empty otherwise. */
    public static Optional<String> forFailure(String failure, EngineInfo engine) {
        if (failure == null) {
            return Optional.empty();
        }
        String name = engine == null ? "The engine" : engine.product().label() + " " + engine.version();
        return HINTS.stream().filter(h -> h.symptom().matcher(failure).find()).findFirst()
                .map(h -> String.format(h.wayOut(), name));
    }
}
