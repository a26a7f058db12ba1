package dev.habitat.core.plan;

import dev.habitat.core.config.ConfigException;
import dev.habitat.core.config.ConfigProblem;
import dev.habitat.core.config.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A habitat's own Dockerfile, placed before the generated stages; its last stage becomes the base. */
record BaseDockerfile(String text, String lastStage) {
    static final String STAGE = "habitat-dockerfile";

    static BaseDockerfile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<String> lines = new ArrayList<>(text.lines().toList());
        int lastFrom = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip().toUpperCase();
            if (t.startsWith("FROM ")) {
                lastFrom = i;
            }
            if ((t.startsWith("COPY ") || t.startsWith("ADD ")) && !t.contains("--FROM=")) {
                throw new ConfigException(List.of(ConfigProblem.error(
                        new Location(file, i + 1, 1), "Dockerfile",
                        "COPY/ADD from the build context is not supported in a habitat's base Dockerfile",
                        "copy files with the config's 'files' section instead (they are hashed and staged)")));
            }
        }
        if (lastFrom < 0) {
            throw new ConfigException(List.of(ConfigProblem.error(
                    Location.ofFile(file), "Dockerfile", "no FROM instruction",
                    "start the Dockerfile with FROM <image>")));
        }
        String[] words = lines.get(lastFrom).strip().split("\\s+");
        String stage;
        if (words.length >= 4 && words[words.length - 2].equalsIgnoreCase("AS")) {
            stage = words[words.length - 1];
        } else {
            stage = STAGE;
            lines.set(lastFrom, lines.get(lastFrom).stripTrailing() + " AS " + STAGE);
        }
        return new BaseDockerfile(String.join("\n", lines) + "\n", stage);
    }
}
