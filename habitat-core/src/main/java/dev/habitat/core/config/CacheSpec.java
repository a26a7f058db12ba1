package dev.habitat.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * A package cache that setup scripts ({@code scripts[]}, hooks included) mount while they run: a BuildKit cache
 * mount, or a named volume on docker-exec. What a script writes there stays out of the image and is found again by
 * the next build of the habitat. Caches never enter a phase hash.
 *
 * @param name    a well-known name ({@code apt}, {@code npm}, ...) or the path as configured ({@code /var/cache/x},
 *                {@code ~/.cache/x})
 * @param paths   the directories it covers; {@code ~/} is the home of the script's user
 * @param sharing BuildKit's {@code sharing} of the mount: {@code locked} where the tool cannot share its cache
 *                between concurrent builds, else {@code shared}
 * @param system  true when the directories belong to root whatever the script's user (apt); otherwise the cache is
 *                given to the user of each script that mounts it (each user has their own cache in their home)
 */
public record CacheSpec(String name, List<String> paths, String sharing, boolean system) {
    public CacheSpec {
        paths = List.copyOf(paths);
    }

    /**
     * The caches known by name, where each tool keeps its downloads by default (apt: archives, pkgcache and the
     * package lists; go: GOMODCACHE and GOCACHE; gradle: dependency caches and wrapper distributions).
     */
    public static final Map<String, CacheSpec> WELL_KNOWN = wellKnown(
            new CacheSpec("apt", List.of("/var/cache/apt", "/var/lib/apt/lists"), "locked", true),
            new CacheSpec("npm", List.of("~/.npm"), "shared", false),
            new CacheSpec("pip", List.of("~/.cache/pip"), "shared", false),
            new CacheSpec("maven", List.of("~/.m2/repository"), "locked", false),
            new CacheSpec("gradle", List.of("~/.gradle/caches", "~/.gradle/wrapper"), "locked", false),
            new CacheSpec("cargo", List.of("~/.cargo/registry", "~/.cargo/git"), "locked", false),
            new CacheSpec("go", List.of("~/go/pkg/mod", "~/.cache/go-build"), "shared", false));

    /** On unless a layer turns them off: almost every habitat installs packages. */
    public static final Set<String> DEFAULTS = Set.of("apt");

    /** A cache named by its path (absolute, or {@code ~/} for the script user's home): one directory, locked. */
    public static CacheSpec ofPath(String path) {
        return new CacheSpec(path, List.of(path), "locked", false);
    }

    /** Whether its directories are in the script user's home ({@code ~/}): then each user has their own cache. */
    public boolean inHome() {
        return paths.stream().anyMatch(p -> p.equals("~") || p.startsWith("~/"));
    }

    public boolean wellKnown() {
        return WELL_KNOWN.containsKey(name);
    }

    /** The directories for a script run as {@code user}: {@code ~} is that user's home. */
    public List<String> targets(String user) {
        return paths.stream().map(p -> p.equals("~") ? HabitatConfig.homeOf(user)
                : p.startsWith("~/") ? HabitatConfig.homeOf(user) + p.substring(1) : p).toList();
    }

    private static Map<String, CacheSpec> wellKnown(CacheSpec... specs) {
        Map<String, CacheSpec> m = new LinkedHashMap<>();
        for (CacheSpec s : specs) {
            m.put(s.name(), s);
        }
        return Collections.unmodifiableMap(m);
    }
}
