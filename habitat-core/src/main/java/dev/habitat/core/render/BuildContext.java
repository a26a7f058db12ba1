package dev.habitat.core.render;

import java.nio.file.Path;

/** A staged build context on disk: the directory, and the Dockerfile inside it. */
public record BuildContext(Path directory, Path dockerfile, String dockerfileText) {}
