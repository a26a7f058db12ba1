package dev.habitat.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code volumes[]} entry {@code host:container[:options]}: how the habitat is run, never part of its build,
 * unless {@code buildMount} (the map form's {@code build_mount: true}) lets the docker-exec method mount it,
 * read-only, in its build containers.
 */
public record VolumeSpec(String host, String container, String options, boolean buildMount, Origin origin) {
    /** The entry as written, for running the habitat. */
    public String spec() {
        return host + ":" + container + (options == null ? "" : ":" + options);
    }

    /**
     * The bind a build container gets: read-only whatever the entry says ({@code rw} is dropped), so the plugin's
     * own copies, chowns and removals, and the build's steps, can never write to the host path; the entry's other
     * options ({@code z}, propagation) are kept.
     */
    public String buildSpec() {
        List<String> opts = new ArrayList<>(List.of("ro"));
        if (options != null) {
            for (String o : options.split(",")) {
                if (!o.isEmpty() && !o.equals("ro") && !o.equals("rw")) {
                    opts.add(o);
                }
            }
        }
        return host + ":" + container + ":" + String.join(",", opts);
    }
}
