package dev.habitat.maven;

import dev.habitat.core.Phase;
import dev.habitat.core.build.BuildMethods;
import dev.habitat.core.build.BuildOptions;
import dev.habitat.core.build.ExternalInputResolver;
import dev.habitat.core.build.HabitatBuilder;
import dev.habitat.core.engine.docker.DockerEngine;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.plan.PlannedHabitat;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryAuth;
import dev.habitat.core.report.BuildSummary;
import dev.habitat.core.secrets.Secrets;
import dev.habitat.core.snapshot.Sharing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the habitat into snapshot images {@code habitat-<name>:<id>-<phase>} with the engine's BuildKit,
 * through the Docker Engine API. Unchanged habitats are not sent to the engine at all.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true, requiresProject = false)
public class BuildMojo extends AbstractEngineMojo {

    /** Build up to this phase (id, name or tag suffix such as {@code 6-files}). */
    @Parameter(property = "habitat.target", defaultValue = "final")
    private String target;

    /** Rebuild this phase and every later one, even when they are cached. */
    @Parameter(property = "habitat.rebuildFrom")
    private String rebuildFrom;

    /** Rebuild every phase, ignoring snapshots and the BuildKit cache. */
    @Parameter(property = "habitat.rebuild", defaultValue = "false")
    private boolean rebuild;

    /**
     * {@code auto} (default: BuildKit where the engine has it, else docker-exec), {@code buildkit} or
     * {@code docker-exec} (exec/commit); overrides the config's {@code build_method}.
     */
    @Parameter(property = "habitat.buildMethod")
    private String buildMethod;

    /**
     * A name for the final image, {@code registry/namespace/name:tag} (tag {@code latest} when left out), given
     * besides its snapshot tag; pushed with {@code habitat.push}.
     */
    @Parameter(property = "habitat.image")
    private String image;

    /** Push the snapshots to the registry and the image to its name's registry once the build ends well. */
    @Parameter(property = "habitat.push", defaultValue = "false")
    private boolean push;

    /** The builder hashes the habitat under its build lock, with the remote heads: nothing to hash before. */
    @Override
    protected boolean hashesItself() {
        return true;
    }

    @Override
    protected void run(PlannedHabitat habitat) throws MojoExecutionException, MojoFailureException {
        Sharing sharing = sharing(habitat.config().registry());
        Secrets secrets = resolveSecrets(habitat.config()).with(registryPasswords(sharing));
        BuildOptions options = new BuildOptions(Phase.require(target, "target"),
                rebuildFrom == null || rebuildFrom.isBlank() ? null : Phase.require(rebuildFrom, "rebuildFrom"),
                rebuild, networkOrNull(), outputDirectory.toPath(), secrets, sharing);
        // checked before the engine is reached: a name set in the pom has not been checked yet
        String methodName = BuildMethods.requireKnown(buildMethod != null && !buildMethod.isBlank() ? buildMethod : habitat.config().buildMethod());
        // the remotes are asked while the engine's client is still being made
        ExternalInputResolver inputs = ExternalInputResolver.askingRemotesNow(habitat.config(), secrets);
        try (DockerEngine engine = engine()) {
            MavenBuildProgress progress = new MavenBuildProgress(getLog(), verbose);
            BuildMethod method = BuildMethods.choose(methodName, engine, progress);
            for (BuildSummary summary : new HabitatBuilder(engine, method, progress, inputs).buildEach(habitat.graph(), options)) {
                getLog().info("habitat: summary of " + summary.habitat() + (summary.platform() == null ? "" : " for " + summary.platform()));
                summary.table().lines().forEach(l -> getLog().info("  " + l));
                if (summary.finalImage() != null) {
                    getLog().info("habitat: image " + summary.finalImage());
                }
            }
        }
    }

    /** The registry and image to share through, with the credentials of their hosts resolved now. */
    private Sharing sharing(String configRegistry) {
        ImageReference registryRef = registryOf(configRegistry);
        ImageReference imageRef = image == null || image.isBlank() ? null : ImageReference.parse(image, true);
        if (push && registryRef == null && imageRef == null) {
            throw new IllegalArgumentException("habitat.push is set but there is nothing to push to: give -Dhabitat.registry="
                    + "<host:port/namespace> for the snapshots or -Dhabitat.image=<host:port/namespace/name:tag> for the image");
        }
        Set<String> hosts = new LinkedHashSet<>();
        if (registryRef != null) {
            hosts.add(registryRef.host());
        }
        if (imageRef != null) {
            hosts.add(imageRef.host());
        }
        Map<String, RegistryAuth> auths = registryCredentials(hosts);
        return new Sharing(registryRef, imageRef, push, host -> auths.getOrDefault(host, RegistryAuth.anonymous(host)));
    }

    /** Registry passwords and tokens, so the log masking hides them like the habitat's own secrets (masked only: never served to a build). */
    private static List<Secrets.Secret> registryPasswords(Sharing sharing) {
        List<Secrets.Secret> out = new ArrayList<>();
        for (ImageReference ref : new ImageReference[] {sharing.registry(), sharing.image()}) {
            if (ref != null) {
                RegistryAuth auth = sharing.credentials().apply(ref.host());
                if (auth.secret() != null) {
                    out.add(new Secrets.Secret("registry " + ref.host(), auth.secret().getBytes(StandardCharsets.UTF_8), auth.username(),
                            auth.source()));
                }
            }
        }
        return out;
    }
}
