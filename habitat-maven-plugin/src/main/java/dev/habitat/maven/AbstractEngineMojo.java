package dev.habitat.maven;

import dev.habitat.core.Completions;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.engine.docker.DockerEngine;
import dev.habitat.core.engine.docker.EngineLocator;
import dev.habitat.core.registry.DockerConfigCredentials;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryAuth;
import dev.habitat.core.secrets.Secrets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** Goals that talk to a Docker engine. */
abstract class AbstractEngineMojo extends AbstractHabitatMojo {

    /**
     * The engine, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}; default as the docker CLI
     * finds it: DOCKER_HOST, the current Docker context, then the default Docker and Podman sockets.
     */
    @Parameter(property = "habitat.dockerHost")
    protected String dockerHost;

    /** Network mode of build steps ({@code host} to reach servers on 127.0.0.1); overrides the config's {@code network}. */
    @Parameter(property = "habitat.network")
    protected String network;

    /** Print the output of every build step (also at {@code -X}). */
    @Parameter(property = "habitat.verbose", defaultValue = "false")
    protected boolean verbose;

    /**
     * Where the values of the secrets the config uses (repo {@code auth}, script {@code secrets}) come from:
     * {@code <secret><id>..</id><env>VARIABLE</env></secret>} or {@code <file>}, with an optional
     * {@code <username>}. A secret not listed here is read from the settings.xml {@code <server>} of that id.
     */
    @Parameter
    protected List<SecretSource> secrets;

    /**
     * Where the habitat's snapshots are shared, a repository prefix such as {@code 127.0.0.1:5000/team}; overrides
     * the config's {@code registry}. A build pulls the newest snapshot the registry has for the current hashes
     * when it is newer than the newest local one, and with {@code habitat.push} pushes the snapshots;
     * migrate-snapshots lists the registry's snapshots of the habitat.
     */
    @Parameter(property = "habitat.registry")
    protected String registry;

    @Parameter(defaultValue = "${settings}", readonly = true)
    protected Settings settings;

    @Component
    protected SettingsDecrypter settingsDecrypter;

    /** The values of every secret the habitat uses; fails naming each one that has no value. */
    protected Secrets resolveSecrets(HabitatConfig config) throws MojoFailureException {
        return new SecretResolver(secrets, settings, settingsDecrypter, System::getenv).resolve(config);
    }

    private CompletableFuture<DockerEngine> locating;

    /** The engine is located (its client made, its version asked) while the config loads, on its own thread. */
    @Override
    protected void prepare() {
        var engine = new CompletableFuture<DockerEngine>();
        Thread t = new Thread(() -> {
            try {
                engine.complete(DockerEngine.locate(dockerHost, EngineLocator.ofThisProcess()));
            } catch (Throwable e) {
                engine.completeExceptionally(e);
            }
        }, "habitat-engine-locate");
        t.setDaemon(true);
        t.start();
        locating = engine;
    }

    @Override
    protected void release() {
        var engine = locating;
        locating = null;
        if (engine != null) {
            engine.whenComplete((e, failure) -> {
                if (e != null) {
                    e.close();
                }
            });
        }
    }

    /**
     * The engine named by habitat.dockerHost, or found as the docker CLI finds it; fails listing what was tried.
     * The caller closes it.
     */
    protected DockerEngine engine() {
        var engine = locating;
        locating = null;
        if (engine == null) {
            return DockerEngine.locate(dockerHost, EngineLocator.ofThisProcess());
        }
        return Completions.join(engine);
    }

    /** The registry prefix: the parameter, else the config's {@code registry}, else null. */
    protected ImageReference registryOf(String configRegistry) {
        String prefix = registry != null && !registry.isBlank() ? registry : configRegistry;
        return prefix == null ? null : ImageReference.parse(prefix, false);
    }

    /** The credentials of each registry host (see {@link RegistryCredentials}); where they came from at -X. */
    protected Map<String, RegistryAuth> registryCredentials(Set<String> hosts) {
        Map<String, RegistryAuth> auths = RegistryCredentials.resolve(hosts, settings, settingsDecrypter,
                DockerConfigCredentials.ofThisProcess(getLog()::debug));
        auths.values().forEach(a -> getLog().debug("habitat: " + a));
        return auths;
    }

    protected String networkOrNull() {
        return network == null || network.isBlank() ? null : network;
    }
}
