package dev.habitat.core.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.habitat.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a snapshot image records about itself in labels, whichever method made it: the schema, the habitat, the phase,
 * each phase's hash and inputs up to its own, and the method. The snapshots are found and checked by these labels
 * (see {@code Snapshots}), so both methods write them from here.
 */
public final class SnapshotLabels {
    public static final String LABEL_SCHEMA = "habitat.schema";
    public static final String LABEL_NAME = "habitat.name";
    public static final String LABEL_PHASE = "habitat.phase";
    public static final String LABEL_HASH_PREFIX = "habitat.hash.";
    public static final String LABEL_INPUTS_PREFIX = "habitat.inputs.";
    /** The build method that made the snapshot ({@code buildkit}, {@code docker-exec}). */
    public static final String LABEL_METHOD = "habitat.method";
    public static final String SCHEMA_VERSION = "1";

    private SnapshotLabels() {
    }

    /** The labels the last stage of a phase sets: schema, name, phase, its hash and its inputs. */
    public static Map<String, String> of(StageGraph graph, PhaseHash hash) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_SCHEMA, SCHEMA_VERSION);
        labels.put(LABEL_NAME, graph.config().name());
        labels.put(LABEL_PHASE, hash.phase().tagSuffix());
        labels.put(LABEL_HASH_PREFIX + hash.phase().phaseName(), hash.hash());
        labels.put(LABEL_INPUTS_PREFIX + hash.phase().phaseName(), inputsJson(hash));
        return labels;
    }

    public static String inputsJson(PhaseHash hash) {
        try {
            return Json.text(hash.inputs());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
