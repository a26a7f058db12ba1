package dev.habitat.maven;

import dev.habitat.core.HabitatException;
import dev.habitat.core.Platform;
import dev.habitat.core.config.ConfigException;
import dev.habitat.core.config.ConfigLoader;
import dev.habitat.core.config.ConfigProblem;
import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.PlannedHabitat;
import dev.habitat.core.plan.StageGraph;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.AbstractMojoExecutionException;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import java.io.File;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Set;
import java.util.TreeMap;

/** What every goal shares: where the habitat is, where output goes, and turning config errors into failures. */
abstract class AbstractHabitatMojo extends AbstractMojo {

    /**
     * The habitat root: {@code system/}, {@code shared/} and {@code ./} paths of the config hang off it. Default: the
     * project's directory, or the working directory when there is no pom.xml (a checkout of the original tool).
     */
    @Parameter(property = "habitat.root", defaultValue = "${basedir}")
    protected File root;

    /** The habitat's config.yaml, relative to {@code habitat.root} unless absolute. */
    @Parameter(property = "habitat.config", defaultValue = "src/main/habitat/config.yaml")
    protected String config;

    /**
     * Where generated Dockerfiles, contexts and reports go, one directory per habitat name. Default:
     * {@code ${project.build.directory}/habitat}, or {@code target/habitat} under the working directory when there
     * is no pom.xml.
     */
    @Parameter(property = "habitat.outputDirectory")
    protected File outputDirectory;

    /** The project's build directory; without a pom.xml Maven's stub project has none worth using. */
    @Parameter(defaultValue = "${project.build.directory}", readonly = true)
    private File buildDirectory;

    /** The project's directory, else the directory Maven runs in. */
    @Parameter(defaultValue = "${basedir}", readonly = true)
    private File basedir;

    /**
     * Overrides of env variables the habitat's config defines ({@code <USER>alice</USER>}), applied after every
     * layer so derived values follow; {@code -Dhabitat.arg.NAME=value} does the same and wins over this map.
     */
    @Parameter
    protected Map<String, String> buildArgs;

    /**
     * The platforms to build for, comma-separated ({@code linux/amd64,linux/arm64}); overrides the config's
     * {@code platforms}. Default: the config's, else the engine's own platform.
     */
    @Parameter(property = "habitat.platforms")
    protected String platforms;

    /** Skip the goal. */
    @Parameter(property = "habitat.skip", defaultValue = "false")
    protected boolean skip;

    @Parameter(defaultValue = "${session}", readonly = true)
    protected MavenSession session;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true)
    protected MojoExecution mojoExecution;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        checkGivenProperties();
        if (skip) {
            getLog().info("habitat: skipped (habitat.skip=true)");
            return;
        }
        if (outputDirectory == null) {
            outputDirectory = defaultOutput(session != null && session.getRequest().isProjectPresent(), buildDirectory, basedir);
        }
        prepare();
        try {
            run(load());
        } catch (HabitatException | IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            AbstractMojoExecutionException failure = toMaven(e);
            if (failure instanceof MojoFailureException f) {
                throw f;
            }
            throw (MojoExecutionException) failure;
        } finally {
            release();
        }
    }

    /**
     * The one place a failure of the core becomes Maven's: what the habitat must change (its config, a parameter, a
     * failed step; a bad value) fails the build, what its surroundings must change (engine, registry, host) or a
     * defect is an error. The message is the core's, once, with the goal's prefix.
     */
    static AbstractMojoExecutionException toMaven(RuntimeException e) {
        String message = prefixed(e.getMessage());
        boolean habitatsOwn = e instanceof HabitatException h ? h.kind() == HabitatException.Kind.HABITAT
                : e instanceof IllegalArgumentException;
        return habitatsOwn ? new MojoFailureException(message, e) : new MojoExecutionException(message, e);
    }

    /**
     * {@code <build directory>/habitat} with a pom.xml (as before); without one (every goal runs without:
     * requiresProject = false) {@code target/habitat} under the directory Maven runs in.
     */
    static File defaultOutput(boolean projectPresent, File buildDirectory, File basedir) {
        if (projectPresent && buildDirectory != null) {
            return new File(buildDirectory, "habitat");
        }
        return new File(new File(basedir, "target"), "habitat");
    }

    /** Work the goal starts before its config is loaded, to run beside the loading (see {@link #release}). */
    protected void prepare() {
    }

    /** Ends what {@link #prepare} started and the goal did not take (the config was invalid, or the goal failed first). */
    protected void release() {
    }

    /** -Dhabitat.* values are checked on every goal; see {@link GivenProperties}. */
    private void checkGivenProperties() throws MojoFailureException {
        if (session == null || mojoExecution == null) {
            return;
        }
        var descriptor = mojoExecution.getMojoDescriptor();
        Set<String> mine = propertiesOf(List.of(descriptor));
        Set<String> known = propertiesOf(descriptor.getPluginDescriptor().getMojos());
        Map<String, String> given = new HashMap<>();
        session.getUserProperties().forEach((k, v) -> given.put(String.valueOf(k), String.valueOf(v)));
        var findings = new GivenProperties(descriptor.getGoal(), mine, known).check(given);
        findings.warnings().forEach(w -> getLog().warn("habitat: " + w));
        if (!findings.errors().isEmpty()) {
            throw new MojoFailureException("habitat: " + String.join("\nhabitat: ", findings.errors()));
        }
    }

    private static Set<String> propertiesOf(List<org.apache.maven.plugin.descriptor.MojoDescriptor> mojos) {
        Set<String> properties = new HashSet<>();
        for (var mojo : mojos) {
            if (mojo.getParameters() == null) {
                continue;
            }
            for (var p : mojo.getParameters()) {
                String expression = p.getExpression();
                if (expression != null && expression.startsWith("${habitat.") && expression.endsWith("}")) {
                    properties.add(expression.substring(2, expression.length() - 1));
                }
            }
        }
        return properties;
    }

    /** The pom's {@code <buildArgs>}, then every {@code -Dhabitat.arg.NAME=value} over them. */
    private Map<String, String> givenBuildArgs() {
        Map<String, String> args = new TreeMap<>(buildArgs == null ? Map.of() : buildArgs);
        if (session != null) {
            session.getUserProperties().forEach((k, v) -> {
                if (String.valueOf(k).startsWith(ConfigLoader.BUILD_ARG_PREFIX)) {
                    args.put(String.valueOf(k).substring(ConfigLoader.BUILD_ARG_PREFIX.length()), String.valueOf(v));
                }
            });
        }
        return args;
    }

    /** Plans this habitat again with more env overrides (see {@link PlannedHabitat#replanning}). */
    protected Function<Map<String, String>, StageGraph> replanning() {
        return PlannedHabitat.replanning(new ConfigLoader(), root.toPath(), Path.of(config), givenBuildArgs());
    }

    protected abstract void run(PlannedHabitat habitat) throws MojoExecutionException, MojoFailureException;

    /**
     * True for a goal that computes the phase hashes itself (with the remote heads): {@link #run} then gets the
     * habitat unhashed, and the copied trees are read once.
     */
    protected boolean hashesItself() {
        return false;
    }

    protected PlannedHabitat load() throws MojoFailureException {
        try {
            PlannedHabitat h = hashesItself()
                    ? PlannedHabitat.unhashed(new ConfigLoader(), root.toPath(), Path.of(config), givenBuildArgs())
                    : PlannedHabitat.load(new ConfigLoader(), root.toPath(), Path.of(config), givenBuildArgs(),
                    outputDirectory.toPath(), ExternalInputs.none());
            if (platforms != null && !platforms.isBlank()) {
                h = h.withPlatforms(Platform.parseList(platforms, "-Dhabitat.platforms=" + platforms), outputDirectory.toPath(),
                        ExternalInputs.none());
            }
            for (ConfigProblem w : h.config().warnings()) {
                if (w.severity() == ConfigProblem.Severity.NOTE) {
                    getLog().info(w.format());
                } else {
                    getLog().warn(w.format());
                }
            }
            for (String w : h.graph().warnings()) {
                getLog().warn(w);
            }
            return h;
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                if (p.isError()) {
                    getLog().error(p.format());
                } else if (p.severity() == ConfigProblem.Severity.NOTE) {
                    getLog().info(p.format());
                } else {
                    getLog().warn(p.format());
                }
            }
            // each problem was logged once above, located; the failure only counts them
            long errors = e.problems().stream().filter(ConfigProblem::isError).count();
            throw new MojoFailureException("Invalid habitat config (" + errors + (errors == 1 ? " error" : " errors")
                    + ", listed above)");
        }
    }

    /**
     * Logs a text listing line by line; a JSON listing goes to standard output as it is, so that
     * {@code mvn -q ... -Dhabitat.format=json | python3 -m json.tool} works (as maven-help-plugin's forceStdout).
     * Written to {@code file} too when one is given.
     */
    protected void emit(String listing, File file, boolean json) throws MojoExecutionException {
        if (json) {
            System.out.println(listing.strip());
            System.out.flush();
        } else {
            listing.lines().forEach(getLog()::info);
        }
        if (file != null) {
            try {
                Files.createDirectories(file.toPath().toAbsolutePath().getParent());
                Files.writeString(file.toPath(), listing, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new MojoExecutionException("habitat: cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    protected Path habitatOutput(PlannedHabitat h) {
        return outputDirectory.toPath().resolve(h.config().name());
    }

    /** A failure message with the goal's "habitat: " prefix exactly once. */
    static String prefixed(String message) {
        String m = message == null ? "failed" : message;
        return m.startsWith("habitat: ") ? m : "habitat: " + m;
    }
}
