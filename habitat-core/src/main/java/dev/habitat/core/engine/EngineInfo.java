package dev.habitat.core.engine;

/**
 * What answers at the engine's address: Docker or Podman (whose Docker-compatible service builds with
 * Buildah and has no BuildKit), its version and API version.
 */
public record EngineInfo(Product product, String version, String apiVersion) {
    public enum Product {
        DOCKER("Docker"), PODMAN("Podman");

        private final String label;

        Product(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Whether {@code POST /build?version=2} builds with BuildKit here (Docker 18.09, API 1.39, and later). */
    public boolean hasBuildKit() {
        return product == Product.DOCKER && apiAtLeast(1, 39);
    }

    /**
     * Whether the engine's commit parses each change as a Dockerfile instruction (quotes, escapes, {@code $}
     * expansion): Docker, and Podman from 5 (5.8 measured). Podman 4 (4.3 measured) only strips one pair of
     * surrounding quotes and keeps the rest of the value as it is.
     */
    public boolean commitChangesAreDockerfile() {
        if (product == Product.DOCKER) {
            return true;
        }
        String major = version == null ? "" : version.replaceFirst("^v?(\\d+).*$", "$1");
        try {
            return Integer.parseInt(major) >= 5;
        } catch (NumberFormatException e) {
            return true; // an unknown Podman version: a current one
        }
    }

    public boolean apiAtLeast(int major, int minor) {
        String[] parts = apiVersion == null ? new String[0] : apiVersion.split("\\.");
        try {
            int ma = parts.length > 0 ? Integer.parseInt(parts[0]) : 0;
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || ma == major && mi >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@code Docker 26.1.5 (API 1.45)}. */
    public String describe() {
        return product.label() + " " + version + " (API " + apiVersion + ")";
    }
}
