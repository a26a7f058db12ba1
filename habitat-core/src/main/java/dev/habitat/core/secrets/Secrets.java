package dev.habitat.core.secrets;

import dev.habitat.core.HabitatException;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.config.RepoSpec;
import dev.habitat.core.config.ScriptSpec;
import dev.habitat.core.plan.Operation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The secret values a build may use, by id. They reach a build only through a BuildKit session or the
 * environment of one exec (docker-exec), never a layer, label, build argument, file or log line:
 * {@link #mask} hides every value in text the plugin prints.
 */
public final class Secrets {
    /** Values shorter than this are not masked (masking "a" would garble every log line). */
    static final int MIN_MASKED_LENGTH = 4;
    static final String MASK = "****";

    /**
     * One secret: its value (a token or password), the username that goes with it for repositories (null:
     * git's default), and where it came from for messages (never the value).
     */
    public record Secret(String id, byte[] value, String username, String source) {
        public Secret {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public String toString() {
            return "secret " + id + " from " + source;
        }
    }

    /** The secrets a build may read (a session or a docker-exec step serves them), by id. */
    private final Map<String, Secret> byId;
    /** Values only masked, never served (registry passwords). */
    private final List<Secret> maskedOnly;
    /** What {@link #mask} hides, longest first (a value inside another is masked with it); every log line is masked. */
    private final List<String> masked;

    /** @param maskedOnly values only masked, never served (registry passwords) */
    private Secrets(Map<String, Secret> byId, Collection<Secret> maskedOnly) {
        this.byId = byId;
        this.maskedOnly = List.copyOf(maskedOnly);
        List<String> values = new ArrayList<>();
        for (Secret s : byId.values()) {
            addMasked(values, s);
        }
        maskedOnly.forEach(s -> addMasked(values, s));
        values.sort(Comparator.comparingInt(String::length).reversed());
        this.masked = List.copyOf(values);
    }

    private static void addMasked(List<String> values, Secret s) {
        String v = new String(s.value, StandardCharsets.UTF_8).strip();
        if (v.length() >= MIN_MASKED_LENGTH && !values.contains(v)) {
            values.add(v);
        }
    }

    public static Secrets of(Collection<Secret> secrets) {
        Map<String, Secret> map = new LinkedHashMap<>();
        secrets.forEach(s -> map.put(s.id(), s));
        return new Secrets(map, List.of());
    }

    /**
     * These secrets, masking also the values of {@code more} (values a build must mask though no step may use
     * them, such as registry passwords). {@code more} are never served: neither {@link #lookup} (the BuildKit
     * session) nor {@link #get} (docker-exec) answers for them, so a habitat's Dockerfile cannot mount one.
     */
    public Secrets with(Collection<Secret> more) {
        List<Secret> all = new ArrayList<>(maskedOnly);
        all.addAll(more);
        return new Secrets(byId, all);
    }

    public static Secrets none() {
        return new Secrets(Map.of(), List.of());
    }

    public Optional<Secret> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** What a BuildKit session answers for an id: the value, or for {@code <id>.username} the username. */
    public byte[] lookup(String sessionId) {
        if (sessionId.endsWith(Operation.USERNAME_SUFFIX)) {
            Secret s = byId.get(sessionId.substring(0, sessionId.length() - Operation.USERNAME_SUFFIX.length()));
            return s == null || s.username() == null ? null : s.username().getBytes(StandardCharsets.UTF_8);
        }
        Secret s = byId.get(sessionId);
        return s == null ? null : s.value();
    }

    /** A secret a config refers to, and who refers to it (for messages). */
    public record Use(String id, String user) {}

    /** Every secret the config uses, in config order: repo credentials and script secrets. */
    public static List<Use> usedBy(HabitatConfig config) {
        List<Use> uses = new ArrayList<>();
        for (RepoSpec r : config.repos()) {
            if (r.auth() != null) {
                uses.add(new Use(r.auth(), "repo " + r.url() + " (" + r.origin() + ")"));
            }
        }
        for (ScriptSpec s : config.scripts()) {
            s.secrets().forEach(id -> uses.add(new Use(id, "script " + s.origin())));
        }
        return uses;
    }

    /**
     * Only the secrets {@code config} declares (repos[].auth, scripts[].secrets): what a BuildKit session serves, so
     * a secret given to the plugin but not declared by this habitat is not readable by its build.
     */
    public Secrets declaredBy(HabitatConfig config) {
        Map<String, Secret> map = new LinkedHashMap<>();
        for (Use use : usedBy(config)) {
            Secret s = byId.get(use.id());
            if (s != null) {
                map.put(s.id(), s);
            }
        }
        return new Secrets(map, maskedOnly);
    }

    /** Fails, before any engine call, when the config uses a secret that was not given. */
    public void requireAllUsedBy(HabitatConfig config) {
        List<String> missing = new ArrayList<>();
        for (Use use : usedBy(config)) {
            if (!byId.containsKey(use.id())) {
                missing.add("secret '" + use.id() + "' (used by " + use.user() + ") was not given");
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingSecretException(String.join("\n", missing));
        }
    }

    /** Text with every secret value replaced by {@value #MASK}. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String v : masked) {
            out = out.replace(v, MASK);
        }
        return out;
    }

    /** Nothing to serve and nothing to mask. */
    public boolean isEmpty() {
        return byId.isEmpty() && masked.isEmpty();
    }

    @Override
    public String toString() {
        return "secrets " + byId.keySet();
    }

    /** A config uses a secret no source provides. */
    public static final class MissingSecretException extends HabitatException {
        public MissingSecretException(String message) {
            super(Kind.HABITAT, message);
        }
    }
}
