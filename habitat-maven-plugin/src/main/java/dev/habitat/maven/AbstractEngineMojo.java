package dev.habitat.maven;

import org.apache.maven.plugins.annotations.Parameter;

/** Goals that talk to a Docker engine. */
abstract class AbstractEngineMojo extends AbstractHabitatMojo {

    /** The engine, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}; default: DOCKER_HOST. */
    @Parameter(property = "habitat.dockerHost")
    protected String dockerHost;

    /** Network mode of build steps ({@code host} to reach servers on 127.0.0.1); overrides the config's {@code network}. */
    @Parameter(property = "habitat.network")
    protected String network;

    /** Print the output of every build step (also at {@code -X}). */
    @Parameter(property = "habitat.verbose", defaultValue = "false")
    protected boolean verbose;

    protected String networkOrNull() {
        return network == null || network.isBlank() ? null : network;
    }
}
