package dev.habitat.core.config;

import java.nio.file.Path;

/** A place in a config file, 1-based, as editors show it. */
public record Location(Path file, int line, int column) {

    public static Location ofFile(Path file) {
        return new Location(file, 0, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column : String.valueOf(file);
    }
}
