package dev.habitat.core;

import dev.habitat.core.config.ConfigLoader;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.PlannedHabitat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A habitat root on disk for tests: write files, load, plan. */
public record Fixture(Path root) {

    public static final String MINIMAL = """
            name: demo
            base_image: debian:bookworm
            env:
              - USER=dev
              - WORKDIR=/workspace
            """;

    /** A habitat named {@code name} (formatted in) with one script and an entry: a stage in every phase a build runs. */
    public static final String SCRIPTED = """
            name: %s
            base_image: debian:bookworm
            env:
              - USER=dev
              - WORKDIR=/workspace
            scripts:
              - commands: [echo one]
            entry:
              command: bash
            """;

    public Fixture write(String relative, String content) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path(String relative) {
        return root.resolve(relative);
    }

    public HabitatConfig load(String config) {
        return loader().load(root, Path.of(config));
    }

    public HabitatConfig load() {
        return load("habitat/config.yaml");
    }

    public PlannedHabitat plan() {
        return PlannedHabitat.load(loader(), root, root.getFileSystem().getPath("habitat", "config.yaml"), root.resolve("target"), ExternalInputs.none());
    }

    public ConfigLoader loader() {
        return new ConfigLoader(root.resolve("home"));
    }
}
