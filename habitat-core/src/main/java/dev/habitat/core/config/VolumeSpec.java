package dev.habitat.core.config;

/** A {@code volumes[]} entry {@code host:container[:options]}. */
public record VolumeSpec(String host, String container, String options, Origin origin) {
    public String spec() {
        return host + ":" + container + (options == null ? "" : ":" + options);
    }
}
