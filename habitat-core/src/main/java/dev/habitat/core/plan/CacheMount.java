package dev.habitat.core.plan;

import dev.habitat.core.config.CacheSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One directory of a package cache as a script step mounts it: BuildKit's cache mount {@code id} (also the name of
 * docker-exec's volume), the directory, who owns it (the script's user, or root for a system cache such as apt) and
 * BuildKit's sharing mode. Never part of a phase hash.
 *
 * @param cache the cache's name in the config ({@code apt}, {@code npm}, or its path)
 */
public record CacheMount(String cache, String id, String target, String owner, String sharing) {
    /** Every cache id and volume name starts so: {@code docker volume ls -f name=habitat-cache-} lists them. */
    public static final String PREFIX = "habitat-cache-";

    /** Whether this is a directory of the apt cache, which needs apt told to keep what it downloads. */
    public boolean apt() {
        return "apt".equals(cache);
    }

    /** The volume bind of docker-exec's build container: the named volume at the directory. */
    public String volumeBind() {
        return id + ":" + target;
    }

    /**
     * The mounts of {@code caches} for a script run as {@code user} in habitat {@code habitat}: one per directory.
     * The id names the habitat, the cache and (for a cache in the home) the user, so two habitats, or two users'
     * homes, never share one: {@code habitat-cache-<habitat>-npm-dev}, {@code habitat-cache-<habitat>-apt-2}; a path
     * cache is named by a digest of its path, and an absolute one is one directory whichever user runs the script
     * (docker-exec can mount one volume at a path), given to the user of each script that mounts it.
     */
    public static List<CacheMount> of(String habitat, List<CacheSpec> caches, String user) {
        List<CacheMount> out = new ArrayList<>();
        for (CacheSpec c : caches) {
            String owner = c.system() ? "root" : user;
            String base = PREFIX + habitat + "-" + (c.wellKnown() ? c.name() : "path-" + PhaseHasher.digest(c.name()).substring(0, 12))
                    + (c.inHome() ? "-" + user.replaceAll("[^A-Za-z0-9_.-]", "_") : "");
            List<String> targets = c.targets(user);
            for (int i = 0; i < targets.size(); i++) {
                String target = targets.get(i);
                if (out.stream().anyMatch(m -> m.target().equals(target))) {
                    continue; // a directory named twice (npm and ~/.npm) is mounted once, as the first cache naming it
                }
                out.add(new CacheMount(c.name(), targets.size() == 1 ? base : base + "-" + (i + 1), target, owner, c.sharing()));
            }
        }
        return out;
    }
}
