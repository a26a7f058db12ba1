package dev.habitat.core.config;

/** The three config layers, applied in this order (later wins for env, lists concatenate). */
public enum Layer {
    SYSTEM("system", "SYSTEM_PATH", "/habitat/system"), SHARED("shared", "SHARED_PATH", "/habitat/shared"),
    HABITAT("habitat", "LOCAL_PATH", "/habitat/local");

    private final String label;
    private final String pathVariable;
    private final String examplePath;

    Layer(String label, String pathVariable, String examplePath) {
        this.label = label;
        this.pathVariable = pathVariable;
        this.examplePath = examplePath;
    }

    public String label() {
        return label;
    }

    /** The env variable that places the layer's directory in the image (LOCAL_PATH for the habitat's own). */
    public String pathVariable() {
        return pathVariable;
    }

    /** A value of {@link #pathVariable()} to suggest in messages. */
    public String examplePath() {
        return examplePath;
    }
}
