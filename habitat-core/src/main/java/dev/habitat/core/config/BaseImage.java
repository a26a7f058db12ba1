package dev.habitat.core.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where phase 1 starts: an image reference, or a Dockerfile (the habitat's own {@code Dockerfile} or
 * {@code image.dockerfile}) whose last stage becomes the base.
 */
public record BaseImage(String image, Path dockerfile, Map<String, String> buildArgs) {
    public BaseImage {
        buildArgs = Map.copyOf(buildArgs);
    }

    public boolean fromDockerfile() {
        return dockerfile != null;
    }
}
