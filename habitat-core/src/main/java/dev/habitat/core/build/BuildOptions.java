package dev.habitat.core.build;

import dev.habitat.core.HabitatException;
import dev.habitat.core.Phase;
import dev.habitat.core.secrets.Secrets;
import dev.habitat.core.snapshot.Sharing;
import java.nio.file.Path;

/**
 * What a build is asked to do.
 *
 * @param target      build up to this phase (FINAL for a whole habitat)
 * @param rebuildFrom rebuild this phase and every later one even when cached, or null
 * @param rebuildAll  rebuild every phase, ignoring snapshots and the BuildKit cache
 * @param network     network mode of build steps ({@code host} reaches servers on 127.0.0.1), or null
 * @param outputDirectory where the habitat's context and reports go ({@code target/habitat})
 * @param secrets     values of the secrets the config uses (repo {@code auth}, script {@code secrets})
 * @param sharing     the registry and image name, and whether to push
 */
public record BuildOptions(Phase target, Phase rebuildFrom, boolean rebuildAll, String network,
                           Path outputDirectory, Secrets secrets, Sharing sharing) {

    public BuildOptions {
        if (secrets == null) {
            secrets = Secrets.none();
        }
        if (sharing == null) {
            sharing = Sharing.none();
        }
        if (target == null) {
            target = Phase.FINAL;
        }
        if (rebuildFrom != null && rebuildFrom.id() > target.id()) {
            throw HabitatException.ofHabitat("rebuildFrom (" + rebuildFrom.tagSuffix() + ") is after the target ("
                    + target.tagSuffix() + "): nothing would be rebuilt");
        }
    }
}
