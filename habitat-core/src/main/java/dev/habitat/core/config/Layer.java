package dev.habitat.core.config;

/** The three config layers, applied in this order (later wins for env, lists concatenate). */
public enum Layer {
    SYSTEM("system"), SHARED("shared"), HABITAT("habitat");

    private final String label;

    Layer(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
