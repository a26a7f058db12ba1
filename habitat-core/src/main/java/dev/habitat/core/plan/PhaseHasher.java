package dev.habitat.core.plan;

import dev.habitat.core.Phase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes a hash per phase without a daemon. A phase's hash covers the previous phase's hash (so a
 * change cascades), every operation of its stages (hooks hash in the phase where they run), the
 * content of every tree it copies, and its external inputs: the platform built for (always the resolved one, never
 * "default": an arm64 machine's own build and another's linux/arm64 build hash alike), the base image
 * (reference, and id when known), and each repo's resolved remote commit. No host path or mtime enters, and no fact
 * of the building machine: {@link ExternalInputs#machine()} and the graph's machine step are left out, so every machine
 * computes the same hashes and shares the same snapshots.
 */
public final class PhaseHasher {
    /** Bumped when what a hash covers changes, so old snapshots are not mistaken for current ones. */
    // 2: the base image by content (ImageContent), not by the store's id; 3: the docker socket's group left 2-users for
    // the machine step, applied after 12-final's content; 4: the platform built for (always, resolved) in 1-base
    public static final String SCHEME = "4";

    private final Path excluded;

    /** @param excluded a host directory never copied (the plugin's output directory), or null */
    public PhaseHasher(Path excluded) {
        this.excluded = excluded == null ? null : excluded.toAbsolutePath().normalize();
    }

    public Map<Phase, PhaseHash> hash(StageGraph graph, ExternalInputs external) {
        Map<Phase, PhaseHash> out = new LinkedHashMap<>();
        String previous = "scheme-" + SCHEME;
        for (Phase phase : Phase.values()) {
            Map<String, String> inputs = new LinkedHashMap<>();
            inputs.put("previous", previous);
            if (phase == Phase.BASE) {
                if (graph.baseDockerfile() != null) {
                    inputs.put("base-dockerfile", digest(graph.baseDockerfile() + graph.buildArgs()));
                } else {
                    inputs.put("base-image", digest(graph.config().base().image()));
                }
                external.baseImageId().ifPresent(id -> inputs.put("base-image-id", digest(id)));
                inputs.put("name", digest(graph.config().name()));
                inputs.put("platform", external.platform().toString());
            }
            if (phase == Phase.TOOLS && graph.config().tools() != null) {
                inputs.put("tools", digest(graph.config().tools()));
            }
            for (Stage stage : graph.stagesOf(phase)) {
                List<String> canon = new ArrayList<>();
                canon.add("stage " + stage.name() + " " + stage.role());
                int repoIndex = 0;
                for (Operation op : stage.operations()) {
                    canon.add(op.canonical());
                    if (op instanceof Operation.Copy copy) {
                        inputs.put("content:" + copy.source().contextPath(), contentDigest(copy.source()));
                    }
                    if (op instanceof Operation.CloneRepo clone) {
                        int i = graph.config().repos().indexOf(clone.repo());
                        inputs.put("repo:" + clone.repo().path(),
                                digest(external.repoRevision(i >= 0 ? i : repoIndex).orElse("unresolved")));
                        repoIndex++;
                    }
                }
                inputs.put("stage:" + stage.name(), digest(String.join("\n", canon)));
            }
            StringBuilder all = new StringBuilder(phase.tagSuffix()).append('\n');
            inputs.forEach((k, v) -> all.append(k).append('=').append(v).append('\n'));
            String hash = digest(all.toString());
            out.put(phase, new PhaseHash(phase, hash, inputs));
            previous = hash;
        }
        return out;
    }

    private String contentDigest(CopySource source) {
        if (source instanceof CopySource.Generated g) {
            return digest(g.content() + "\n" + Integer.toOctalString(g.mode()));
        }
        CopySource.HostTree tree = (CopySource.HostTree) source;
        return SourceTree.digest(SourceTree.list(tree, excluded)).substring(0, 16);
    }

    /** First 16 hex digits of SHA-256: short enough for labels, long enough never to collide here. */
    public static String digest(String text) {
        MessageDigest md = SourceTree.sha256();
        return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }
}
