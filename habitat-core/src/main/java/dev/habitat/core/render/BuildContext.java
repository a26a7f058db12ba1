package dev.habitat.core.render;

import java.nio.file.Path;

/** A staged build context on disk: the directory, the Dockerfile inside it, and the bytes of its files. */
public record BuildContext(Path directory, Path dockerfile, String dockerfileText, long bytes) {
    /** Above this, every build of a changed phase sends a lot: worth a warning with what to exclude. */
    static final long LARGE = 1L << 30;
}
