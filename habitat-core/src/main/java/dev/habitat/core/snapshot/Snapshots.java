package dev.habitat.core.snapshot;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.habitat.core.Json;
import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.engine.ImageInfo;
import dev.habitat.core.plan.MachineFacts;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.SnapshotLabels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Snapshot images, {@code habitat-<name>:<id>-<phase>}, and what their labels say. A snapshot is valid
 * for the current config when the hash labels of its phase and of every earlier phase equal the current
 * hashes, so a snapshot built on a stale prefix is never taken as valid.
 */
public final class Snapshots {
    private final String repository;
    private final String platformPart;
    private final Map<Phase, PhaseHash> hashes;
    private final Function<String, Optional<ImageInfo>> inspect;
    private final Map<Phase, Optional<ImageInfo>> seen = new LinkedHashMap<>();

    public Snapshots(String repository, Map<Phase, PhaseHash> hashes, Function<String, Optional<ImageInfo>> inspect) {
        this(repository, null, hashes, inspect);
    }

    /**
     * The snapshots of one of a habitat's listed platforms, {@code habitat-<name>:<id>-<phase>-<os>-<arch>}
     * ({@link dev.habitat.core.config.HabitatConfig#snapshotTag}); {@code platform} null: the unlisted engine's own.
     */
    public Snapshots(String repository, Platform platform, Map<Phase, PhaseHash> hashes, Function<String, Optional<ImageInfo>> inspect) {
        this.repository = repository;
        this.platformPart = platform == null ? "" : "-" + platform.tagPart();
        this.hashes = hashes;
        this.inspect = inspect;
    }

    public String tag(Phase p) {
        return repository + ":" + p.tagSuffix() + platformPart;
    }

    public Optional<ImageInfo> image(Phase p) {
        return seen.computeIfAbsent(p, x -> p.snapshotted() ? inspect.apply(tag(p)) : Optional.empty());
    }

    public void forget(Phase p) {
        seen.remove(p);
    }

    public boolean valid(Phase p) {
        return image(p).map(img -> validLabels(img.labels(), p)).orElse(false);
    }

    boolean validLabels(Map<String, String> labels, Phase p) {
        return labelMismatch(labels, p).isEmpty();
    }

    /**
     * The first label of {@code labels} that does not hold what a valid snapshot of {@code p} holds, as
     * {@code name: found ..., expected ...}; empty when they are valid.
     */
    Optional<String> labelMismatch(Map<String, String> labels, Phase p) {
        String schema = labels.get(SnapshotLabels.LABEL_SCHEMA);
        if (!SnapshotLabels.SCHEMA_VERSION.equals(schema)) {
            return Optional.of(SnapshotLabels.LABEL_SCHEMA + ": found " + schema + ", expected " + SnapshotLabels.SCHEMA_VERSION);
        }
        for (Phase q : Phase.values()) {
            if (q.id() > p.id()) {
                break;
            }
            String label = SnapshotLabels.LABEL_HASH_PREFIX + q.phaseName();
            if (!Objects.equals(labels.get(label), hashes.get(q).hash())) {
                return Optional.of(label + ": found " + labels.get(label) + ", expected " + hashes.get(q).hash());
            }
        }
        return Optional.empty();
    }

    /**
     * How the snapshot of {@code p} differs from this machine's facts (its {@code habitat.machine.*} labels), one entry
     * per fact; empty when it was made for this machine or does not exist. Only 12-final carries them: a snapshot
     * whose hashes are valid but whose machine differs needs the machine step alone, not a rebuild.
     */
    public List<String> machineDifferences(Phase p, MachineFacts machine) {
        return image(p).map(img -> machine.differencesFrom(img.labels())).orElse(List.of());
    }

    /** The newest snapshotted phase at or before {@code limit} whose snapshot is valid. */
    public Optional<Phase> newestValid(Phase limit) {
        for (int i = limit.ordinal(); i >= 0; i--) {
            Phase p = Phase.values()[i];
            if (p.snapshotted() && valid(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code phase} must be rebuilt: the inputs whose digests differ from those stored on the newest
     * snapshot that recorded them, or that no snapshot recorded them.
     */
    public String whyStale(Phase phase) {
        List<String> reasons = staleInputs(phase);
        return reasons.isEmpty() ? "its hash changed" : String.join(", ", reasons);
    }

    /**
     * The first phase from {@code start} to {@code target} whose own inputs changed; empty when none did. Verify
     * and test have no snapshot: they run again whenever 12-final is rebuilt, and in every build that ends at
     * one of them, though nothing of theirs changed.
     */
    public Optional<Phase> firstChanged(Phase start, Phase target) {
        for (Phase p = start; p.id() <= target.id(); p = Phase.values()[Math.min(p.ordinal() + 1, Phase.FINAL.ordinal())]) {
            if (p.snapshotted() || !staleInputs(p).isEmpty()) {
                return Optional.of(p);
            }
            if (p == Phase.FINAL) {
                break;
            }
        }
        return Optional.empty();
    }

    /** What changed in {@code phase}'s inputs since a snapshot recorded them; empty when nothing did. */
    private List<String> staleInputs(Phase phase) {
        for (int i = Phase.FINAL.ordinal(); i >= phase.ordinal(); i--) {
            Phase holder = Phase.values()[i];
            Optional<ImageInfo> img = image(holder);
            if (img.isEmpty()) {
                continue;
            }
            Map<String, String> labels = img.get().labels();
            if (!SnapshotLabels.SCHEMA_VERSION.equals(labels.get(SnapshotLabels.LABEL_SCHEMA))) {
                return List.of("its snapshot " + tag(holder) + " was made with another label schema");
            }
            String stored = labels.get(SnapshotLabels.LABEL_INPUTS_PREFIX + phase.phaseName());
            if (stored == null) {
                continue;
            }
            try {
                return diff(Json.readerFor(new TypeReference<LinkedHashMap<String, String>>() {}).<LinkedHashMap<String, String>>readValue(stored), hashes.get(phase).inputs());
            } catch (Exception e) {
                return List.of("its stored inputs on " + tag(holder) + " cannot be read");
            }
        }
        return List.of("no snapshot of it exists yet");
    }

    static List<String> diff(Map<String, String> before, Map<String, String> now) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : now.entrySet()) {
            String old = before.get(e.getKey());
            if (old == null) {
                out.add(describe(e.getKey()) + " added");
            } else if (!old.equals(e.getValue())) {
                out.add(e.getKey().equals("previous") ? "an earlier phase changed" : describe(e.getKey()) + " changed");
            }
        }
        for (String k : before.keySet()) {
            if (!now.containsKey(k)) {
                out.add(describe(k) + " removed");
            }
        }
        return out;
    }

    private static String describe(String input) {
        if (input.startsWith("content:")) {
            return "content of " + input.substring("content:".length());
        }
        if (input.startsWith("stage:")) {
            return "steps of stage " + input.substring("stage:".length());
        }
        if (input.startsWith("repo:")) {
            return "remote commit of the repo at " + input.substring("repo:".length());
        }
        return input;
    }
}
