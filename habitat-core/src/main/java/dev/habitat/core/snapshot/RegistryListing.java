package dev.habitat.core.snapshot;

import dev.habitat.core.Phase;
import java.util.List;

/**
 * A habitat's snapshots in a registry, for the migrate-snapshots report.
 *
 * @param repository where they are ({@code 127.0.0.1:5000/team/habitat-x})
 * @param problem    why the registry could not be listed, or null
 */
public record RegistryListing(String repository, List<Entry> entries, String problem) {
    public RegistryListing {
        entries = List.copyOf(entries);
    }

    /**
     * @param phase   the phase its tag names, or null for a tag the plugin did not push
     * @param current whether it is the snapshot of the current config (its tag carries the current hash)
     */
    public record Entry(String tag, Phase phase, boolean current) {}

    public String text() {
        StringBuilder b = new StringBuilder("Registry snapshots of " + repository + ": ");
        if (problem != null) {
            return b.append("cannot be listed (").append(problem).append(")\n").toString();
        }
        b.append(entries.size()).append('\n');
        for (Entry e : entries) {
            b.append(String.format("  %-40s %-12s %s%n", e.tag(), e.phase() == null ? "" : e.phase().tagSuffix(),
                    e.phase() == null ? "not a habitat snapshot tag" : e.current() ? "current" : "another state"));
        }
        return b.toString();
    }
}
