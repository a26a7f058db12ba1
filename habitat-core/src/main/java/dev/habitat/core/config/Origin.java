package dev.habitat.core.config;

/** Where a config item came from: its layer and its place in that layer's file, for messages. */
public record Origin(Layer layer, Location location, String keyPath) {
    @Override
    public String toString() {
        return keyPath + " (" + layer.label() + " config " + location + ")";
    }
}
