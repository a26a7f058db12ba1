package dev.habitat.core.config;

import static dev.habitat.core.config.SectionContext.isNull;

import dev.habitat.core.Spelling;
import dev.habitat.core.config.YamlNode.ListNode;
import dev.habitat.core.config.YamlNode.MapNode;
import dev.habitat.core.config.YamlNode.Scalar;
import dev.habitat.core.config.YamlNode.ScalarKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code caches} in every layer, in layer order, over the defaults ({@link CacheSpec#DEFAULTS}):
 * <ul>
 *   <li>a list turns the caches it names on: {@code caches: [npm, /var/cache/tool, ~/.cache/tool]};</li>
 *   <li>a map turns each on or off: {@code caches: {apt: false, npm: true}};</li>
 *   <li>{@code caches: false} turns off every cache on so far (the defaults and earlier layers').</li>
 * </ul>
 * A name is a well-known cache or a path: absolute, or {@code ~/} for the home of each script's user.
 */
final class CacheSection {
    /** Characters a cache path may hold: it is written into a {@code --mount} flag and a volume bind unquoted. */
    private static final Pattern SAFE_PATH = Pattern.compile("(~|/)[A-Za-z0-9._@+/-]*");
    /** Paths a cache must not hide: the whole system, and the plugin's own mounts. */
    private static final List<String> RESERVED = List.of("/proc", "/sys", "/dev", "/run/habitat", "/run/secrets");

    private final SectionContext ctx;
    /** Each cache named so far and whether it is on, in the order first named (the defaults first). */
    private final Map<String, Boolean> enabled = new LinkedHashMap<>();

    CacheSection(SectionContext ctx) {
        this.ctx = ctx;
        CacheSpec.DEFAULTS.forEach(d -> enabled.put(d, true));
    }

    void readCaches(MapNode doc) {
        YamlNode node = doc.get("caches");
        if (node == null || isNull(node)) {
            return;
        }
        if (node instanceof Scalar s && s.kind() == ScalarKind.BOOLEAN && !Boolean.parseBoolean(s.text())) {
            enabled.replaceAll((k, v) -> false);
        } else if (node instanceof ListNode list) {
            for (int i = 0; i < list.items().size(); i++) {
                YamlNode item = list.items().get(i);
                String path = "caches[" + i + "]";
                if (item instanceof Scalar s && !s.isNull() && s.kind() != ScalarKind.BOOLEAN) {
                    String name = name(s.text(), s.location(), path);
                    if (name != null) {
                        enabled.put(name, true);
                    }
                } else {
                    ctx.error(item, path, "must be a cache name or path, not " + item.describe(),
                            "write e.g. caches: [npm, /var/cache/tool]");
                }
            }
        } else if (node instanceof MapNode map) {
            for (YamlNode.Entry e : map.entries().values()) {
                String path = "caches." + e.key();
                String name = name(e.key(), e.keyLocation(), path);
                Boolean on = ctx.bool(map, e.key(), path);
                if (name != null && on != null) {
                    enabled.put(name, on);
                } else if (name != null && isNull(e.value())) {
                    ctx.error(e.value(), path, "must be true or false", "write " + e.key() + ": true or " + e.key() + ": false");
                }
            }
        } else {
            ctx.error(node, "caches", "must be a list of caches, a map of caches to true or false, or false, not "
                    + node.describe(), "write e.g. caches: [npm, pip], caches: {apt: false} or caches: false");
        }
    }

    /** The cache a configured name means (a well-known name, or a normalized path), or null after an error. */
    private String name(String raw, Location at, String path) {
        String v = ctx.expand(raw).trim();
        if (CacheSpec.WELL_KNOWN.containsKey(v)) {
            return v;
        }
        if (!v.startsWith("/") && !v.startsWith("~/")) {
            String known = String.join(", ", CacheSpec.WELL_KNOWN.keySet());
            String hint = Spelling.nearest(v, CacheSpec.WELL_KNOWN.keySet(), Math.max(2, Math.min(3, v.length() / 2)))
                    .map(n -> "did you mean '" + n + "'? Caches: " + known + ", or a directory: an absolute path or ~/...")
                    .orElse("use one of: " + known + ", or a directory: an absolute path or ~/... (e.g. /var/cache/" + v + ")");
            ctx.problems().add(ConfigProblem.error(at, path, "'" + v + "' is not a cache", hint));
            return null;
        }
        String normalized = v.length() > 1 ? v.replaceAll("/+$", "") : v;
        if (!SAFE_PATH.matcher(normalized).matches()) {
            ctx.problems().add(ConfigProblem.error(at, path, "cache path '" + v + "' holds a character a mount cannot take",
                    "use letters, digits and . _ @ + - / only"));
            return null;
        }
        if (normalized.equals("/") || normalized.equals("~") || List.of(normalized.split("/")).contains("..")) {
            ctx.problems().add(ConfigProblem.error(at, path, "cache path '" + v + "' would hide " + (normalized.equals("~")
                    ? "the whole home" : normalized.contains("..") ? "a directory it does not name" : "the whole image"),
                    "name the tool's own cache directory, e.g. /var/cache/tool or ~/.cache/tool"));
            return null;
        }
        String reserved = RESERVED.stream().filter(r -> normalized.equals(r) || normalized.startsWith(r + "/")).findFirst().orElse(null);
        if (reserved != null) {
            ctx.problems().add(ConfigProblem.error(at, path, "cache path '" + v + "' lies in " + reserved + ", which a build step needs as it is",
                    "use a directory such as /var/cache/tool"));
            return null;
        }
        return normalized;
    }

    /** The caches that are on, in the order first named. */
    List<CacheSpec> caches() {
        List<CacheSpec> out = new ArrayList<>();
        enabled.forEach((name, on) -> {
            if (on) {
                out.add(CacheSpec.WELL_KNOWN.getOrDefault(name, CacheSpec.ofPath(name)));
            }
        });
        return out;
    }
}
