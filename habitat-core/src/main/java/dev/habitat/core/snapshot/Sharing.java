package dev.habitat.core.snapshot;

import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryAuth;
import java.util.function.Function;

/**
 * How a build shares its habitat through registries.
 *
 * @param registry    where the snapshots are pulled from and pushed to ({@code 127.0.0.1:5000/team}), or null
 * @param image       a name of the user's choosing for the final image ({@code registry/team/dev:1}), or null
 * @param push        push the snapshots (when a registry is set) and the image (when one is named)
 * @param credentials the credentials for a registry host (anonymous when none are known)
 */
public record Sharing(ImageReference registry, ImageReference image, boolean push, Function<String, RegistryAuth> credentials) {
    public static Sharing none() {
        return new Sharing(null, null, false, RegistryAuth::anonymous);
    }

    public Sharing {
        if (credentials == null) {
            credentials = RegistryAuth::anonymous;
        }
    }
}
