package dev.habitat.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which paths of a {@link SyncedDir} the engine asked for in one FileSync call: its {@code include-patterns}
 * and {@code followpaths} (a path is wanted when a pattern matches it or one of its parents) and its
 * {@code exclude-patterns} ({@code .dockerignore} rules: the last matching rule wins, {@code !} re-includes).
 * Patterns are globs: {@code *} and {@code ?} stay within one path segment, {@code **} crosses them.
 */
public final class SyncPatterns {
    private final List<Pattern> includes;
    private final List<Rule> excludes;

    private record Rule(Pattern pattern, boolean negated) {
    }

    public SyncPatterns(List<String> includePatterns, List<String> excludePatterns, List<String> followPaths) {
        List<Pattern> in = new ArrayList<>();
        for (String p : includePatterns) {
            addIfPresent(in, p);
        }
        for (String p : followPaths) {
            addIfPresent(in, p);
        }
        this.includes = List.copyOf(in);
        List<Rule> ex = new ArrayList<>();
        for (String p : excludePatterns) {
            boolean negated = p.startsWith("!");
            String glob = clean(negated ? p.substring(1) : p);
            if (!glob.isEmpty()) {
                ex.add(new Rule(compile(glob), negated));
            }
        }
        this.excludes = List.copyOf(ex);
    }

    public static SyncPatterns all() {
        return new SyncPatterns(List.of(), List.of(), List.of());
    }

    boolean selectsAll() {
        return includes.isEmpty() && excludes.isEmpty();
    }

    /** Whether {@code path} (relative, {@code /}-separated) is sent. */
    public boolean includes(String path) {
        if (!includes.isEmpty() && includes.stream().noneMatch(p -> matchesSelfOrParent(p, path))) {
            return false;
        }
        boolean excluded = false;
        for (Rule r : excludes) {
            if (matchesSelfOrParent(r.pattern(), path)) {
                excluded = !r.negated();
            }
        }
        return !excluded;
    }

    private static void addIfPresent(List<Pattern> list, String glob) {
        String g = clean(glob);
        if (!g.isEmpty()) {
            list.add(compile(g));
        }
    }

    private static boolean matchesSelfOrParent(Pattern p, String path) {
        String candidate = path;
        while (true) {
            if (p.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }

    /** Drops a leading {@code /} or {@code ./} and a trailing {@code /}: patterns are relative to the root. */
    static String clean(String glob) {
        String g = glob.trim();
        while (g.startsWith("./") || g.startsWith("/")) {
            g = g.startsWith("./") ? g.substring(2) : g.substring(1);
        }
        while (g.endsWith("/")) {
            g = g.substring(0, g.length() - 1);
        }
        return g.equals(".") ? "" : g;
    }

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        i++;
                        if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                            i++;
                            re.append("(?:.*/)?"); // "**/" also matches no directory at all
                        } else {
                            re.append(".*");
                        }
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, close);
                        boolean negate = set.startsWith("^") || set.startsWith("!");
                        set = negate ? set.substring(1) : set;
                        re.append('[').append(negate ? "^" : "").append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                        i = close;
                    }
                }
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
