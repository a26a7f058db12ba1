package dev.habitat.core.engine;

import java.util.Map;

/** What the plugin needs to know of a local image. */
public record ImageInfo(String id, Map<String, String> labels, long size, String created) {
    public ImageInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
