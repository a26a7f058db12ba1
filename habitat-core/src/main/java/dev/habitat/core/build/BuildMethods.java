package dev.habitat.core.build;

import dev.habitat.core.BuildMethodName;
import dev.habitat.core.HabitatException;
import dev.habitat.core.engine.Engine;
import dev.habitat.core.engine.EngineInfo;
import dev.habitat.core.method.BuildMethod;
import dev.habitat.core.method.buildkit.BuildKitMethod;
import dev.habitat.core.method.exec.ExecMethod;
import dev.habitat.core.report.BuildProgress;
import java.util.List;

/** The one place that turns a requested build method ({@code auto} by default) into a method for an engine. */
public final class BuildMethods {
    public static final String AUTO = BuildMethodName.AUTO.id();
    /** Every accepted value of {@code build_method} and {@code habitat.buildMethod}. */
    public static final List<String> NAMES = BuildMethodName.ids();

    private BuildMethods() {
    }

    /** The method picked and, for {@code auto}, why (null when the user named it). */
    record Choice(String method, String reason) {
    }

    /**
     * {@code requested} when it names a build method (null or blank: {@code auto}); else fails with the names there are.
     * Checked before an engine is reached, and again by {@link #choose}.
     */
    public static String requireKnown(String requested) {
        String name = requested == null || requested.isBlank() ? AUTO : requested.trim();
        if (BuildMethodName.of(name).isEmpty()) {
            throw HabitatException.ofHabitat("unknown build method '" + name + "': use one of " + String.join(", ", NAMES));
        }
        return name;
    }

    /**
     * The BuildKit method, without a choice: what the migration rebuilds with (an engine without BuildKit fails when a
     * build starts, not when the migration only reports).
     */
    public static BuildMethod buildKit(Engine engine) {
        return new BuildKitMethod(engine);
    }

    /** The method for {@code requested} on this engine: see {@link #resolve}. Logs the reason of an auto choice. */
    public static BuildMethod choose(String requested, Engine engine, BuildProgress progress) {
        Choice choice = resolve(requested, engine.info(), engine.host());
        if (choice.reason() != null) {
            progress.info("habitat: build method auto: " + choice.reason());
        }
        BuildKitMethod buildKit = new BuildKitMethod(engine);
        // docker-exec hands a habitat's own Dockerfile (its base) to BuildKit: exec and commit cannot run one
        return choice.method().equals(ExecMethod.NAME) ? new ExecMethod(engine, buildKit) : buildKit;
    }

    /**
     * {@code requested} (null or blank: {@code auto}) on an engine: {@code auto} takes BuildKit where the engine has
     * it, else docker-exec; an explicit {@code buildkit} on an engine without BuildKit fails with the way out
     * instead of building with something else.
     */
    static Choice resolve(String requested, EngineInfo info, String host) {
        String name = requireKnown(requested);
        if (name.equals(ExecMethod.NAME)) {
            return new Choice(name, null);
        }
        if (info.hasBuildKit()) {
            return new Choice(BuildKitMethod.NAME, name.equals(AUTO) ? info.describe() + " builds with BuildKit, so buildkit" : null);
        }
        String why = info.describe() + " at " + host + " has no BuildKit"
                + (info.product() == EngineInfo.Product.PODMAN ? " (its Dockerfile builder is Buildah, which reports no BuildKit progress)" : "");
        if (name.equals(BuildKitMethod.NAME)) {
            throw HabitatException.ofEnvironment("the buildkit build method needs BuildKit, but " + why
                    + ". Build with -Dhabitat.buildMethod=auto (or docker-exec), which makes the same snapshots here.", null);
        }
        return new Choice(ExecMethod.NAME, why + ", so docker-exec (exec and commit make the same snapshots)");
    }
}
