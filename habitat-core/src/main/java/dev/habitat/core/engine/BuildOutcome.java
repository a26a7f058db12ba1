package dev.habitat.core.engine;

/** How a build request ended: the image it produced, or the engine's error. */
public record BuildOutcome(String imageId, String error) {
    public boolean failed() {
        return error != null;
    }
}
