package dev.habitat.core;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI platform as engines and registries name it, {@code os/architecture[/variant]} ({@code linux/arm64},
 * {@code linux/arm/v7}): what a habitat is built for. Only the names Docker and the OCI image index use are valid;
 * the names kernels print ({@code aarch64}, {@code x86_64}) are answered with Docker's.
 */
public record Platform(String os, String architecture, String variant) {
    /** The platforms Docker's images and engines use (OCI image index names), for validation and "did you mean". */
    public static final List<String> KNOWN = List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6",
            "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64", "linux/mips64le", "linux/amd64/v2",
            "linux/amd64/v3", "windows/amd64");

    /** What {@code uname -m} and kernels call an architecture, and Docker's name for it. */
    private static final Map<String, String> KERNEL_NAMES = Map.of("aarch64", "arm64", "x86_64", "amd64", "x86-64", "amd64",
            "armv7l", "arm/v7", "armhf", "arm/v7", "armv6l", "arm/v6", "i386", "386", "i686", "386", "ppc64el", "ppc64le");

    public Platform {
        variant = variant == null || variant.isEmpty() ? null : variant;
    }

    /** {@code linux/arm64} or {@code linux/arm/v7}: as {@code --platform} and {@code POST /build?platform=} take it. */
    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }

    /** {@code linux-arm64}, {@code linux-arm-v7}: the platform in a tag (which has no '/'). */
    public String tagPart() {
        return toString().replace('/', '-');
    }

    /** The OCI platform object, {@code {"os":"linux","architecture":"arm64"}}, as the engine's inspect takes it. */
    public String json() {
        return "{\"os\":" + Json.quoted(os) + ",\"architecture\":" + Json.quoted(architecture)
                + (variant == null ? "" : ",\"variant\":" + Json.quoted(variant)) + "}";
    }

    /** The platform {@code text} names when it is one of {@link #KNOWN} (case ignored); empty otherwise. */
    public static Optional<Platform> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (!KNOWN.contains(s)) {
            return Optional.empty();
        }
        String[] parts = s.split("/");
        return Optional.of(new Platform(parts[0], parts[1], parts.length > 2 ? parts[2] : null));
    }

    /**
     * The platform {@code text} names; fails with why and the nearest valid name ({@code linux/arm46} and
     * {@code linux/aarch64} give {@code linux/arm64}), {@code what} naming where it was written.
     */
    public static Platform parse(String text, String what) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(what + ": '" + text + "' is not a platform; "
                + suggestion(text)));
    }

    /**
     * A comma-separated list ({@code -Dhabitat.platforms=linux/amd64,linux/arm64}); fails naming {@code what} and each
     * entry that is not a platform, with its nearest valid name, or one listed twice.
     */
    public static List<Platform> parseList(String text, String what) {
        List<Platform> out = new java.util.ArrayList<>();
        List<String> problems = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            Optional<Platform> p = tryParse(t);
            if (p.isEmpty()) {
                problems.add("'" + t + "' is not a platform; " + suggestion(t));
            } else if (out.contains(p.get())) {
                problems.add("'" + t + "' is listed twice");
            } else {
                out.add(p.get());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(what + ": " + String.join("; ", problems));
        }
        return List.copyOf(out);
    }

    /** "did you mean 'linux/arm64'?" for a misspelt platform, else the list of valid ones. */
    public static String suggestion(String text) {
        return nearest(text).map(p -> "did you mean '" + p + "'? ").orElse("")
                + "write os/architecture[/variant], one of: " + String.join(", ", KNOWN);
    }

    /** The valid platform nearest to a misspelt one: kernel names first, a missing os, then a few edits away. */
    public static Optional<String> nearest(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        String os = s.contains("/") ? s.substring(0, s.indexOf('/')) : "linux";
        String arch = s.contains("/") ? s.substring(s.indexOf('/') + 1) : s;
        String docker = KERNEL_NAMES.get(arch);
        if (docker != null && KNOWN.contains(os + "/" + docker)) {
            return Optional.of(os + "/" + docker);
        }
        if (KNOWN.contains(os + "/" + arch)) {
            return Optional.of(os + "/" + arch);
        }
        Optional<String> near = Spelling.nearest(os + "/" + arch, KNOWN, 2);
        if (near.isPresent()) {
            return near;
        }
        // a transposition ("arm46") is two edits; the architecture alone against the known ones
        return KNOWN.stream().filter(k -> k.startsWith(os + "/"))
                .filter(k -> Spelling.distance(arch, k.substring(os.length() + 1)) <= 2).findFirst();
    }

    /**
     * The engine's own platform from {@code GET /version}'s {@code Os} and {@code Arch} (Docker's names already);
     * {@code linux/amd64} when the engine does not say.
     */
    public static Platform ofEngine(String os, String arch) {
        String o = os == null || os.isBlank() ? "linux" : os.toLowerCase(Locale.ROOT);
        String a = arch == null || arch.isBlank() ? "amd64" : arch.toLowerCase(Locale.ROOT);
        a = KERNEL_NAMES.getOrDefault(a, a);
        String[] parts = a.split("/");
        return new Platform(o, parts[0], parts.length > 1 ? parts[1] : null);
    }

    /** This JVM's machine, for goals without an engine (show-phases): the engine's own platform is usually it. */
    public static Platform ofThisMachine() {
        return ofEngine("linux", System.getProperty("os.arch"));
    }
}
