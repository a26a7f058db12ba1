package dev.habitat.core.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A directory tree a BuildKit session offers the engine by name ({@code context}, {@code dockerfile}), listed
 * in the order fsutil's receiver checks: depth first, siblings by their bytes, every parent before its
 * children. Entries are root-owned, as in a tar context.
 *
 * <p>The receiver keeps the tree of the previous build (per session shared key) and asks only for files
 * whose size, mode or modification time differ. Staged files are rewritten every build, so their real
 * mtime says nothing; each file's mtime is instead derived from its content (a SHA-256 prefix, in
 * nanoseconds after the epoch: under twenty minutes), so an unchanged file is never sent again and a changed
 * one always is. Directories and symlinks carry mtime 0.
 */
public record SyncedDir(String name, List<Entry> entries) {
    /** Go's {@code os.FileMode} bits, which fsutil sends as the mode. */
    static final long GO_MODE_DIR = 1L << 31;
    static final long GO_MODE_SYMLINK = 1L << 27;
    /** 40 bits of the content digest: distinct mtimes for different content, still on 1970-01-01. */
    private static final int MTIME_BITS = 40;

    public SyncedDir {
        entries = List.copyOf(entries);
    }

    public enum Kind { DIRECTORY, FILE, SYMLINK }

    /**
     * One path of the tree, relative with {@code /} separators.
     *
     * @param mode     permission bits (0777)
     * @param hostFile where a file's bytes are read from, or null when {@code content} holds them
     */
    public record Entry(String path, Kind kind, int mode, long size, long modTimeNanos, String linkTarget, Path hostFile,
                        byte[] content) {
        /** The mode as fsutil sends it: Go's file mode, type bits included. */
        public long goMode() {
            long m = mode & 0777;
            return switch (kind) {
                case DIRECTORY -> m | GO_MODE_DIR;
                case SYMLINK -> m | GO_MODE_SYMLINK;
                case FILE -> m;
            };
        }

        public InputStream open() throws IOException {
            return hostFile != null ? Files.newInputStream(hostFile) : new ByteArrayInputStream(content);
        }
    }

    /**
     * The paths {@code roots} (files or whole directories, relative to {@code directory}) with their parent
     * directories, plus {@code extraFiles} held in memory (mode 0644).
     */
    public static SyncedDir of(String name, Path directory, Collection<String> roots, Map<String, byte[]> extraFiles) {
        TreeMap<String, Entry> byPath = new TreeMap<>(SyncedDir::comparePaths);
        try {
            for (Map.Entry<String, byte[]> extra : extraFiles.entrySet()) {
                addParents(byPath, extra.getKey());
                byte[] content = extra.getValue();
                byPath.put(extra.getKey(), new Entry(extra.getKey(), Kind.FILE, 0644, content.length, contentTime(content), null, null, content));
            }
            for (String root : roots) {
                Path start = directory.resolve(root);
                if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                addParents(byPath, relative(directory, start));
                List<Path> all;
                try (Stream<Path> s = Files.walk(start)) {
                    all = s.toList();
                }
                for (Path p : all) {
                    String rel = relative(directory, p);
                    if (!rel.isEmpty() && !byPath.containsKey(rel)) {
                        byPath.put(rel, hostEntry(rel, p));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the build context " + directory + ": " + e.getMessage(), e);
        }
        return new SyncedDir(name, new ArrayList<>(byPath.values()));
    }

    /** The entries the engine asked for, parents of kept entries included (see {@link SyncPatterns}). */
    public List<Entry> select(SyncPatterns patterns) {
        if (patterns.selectsAll()) {
            return entries;
        }
        TreeMap<String, Entry> kept = new TreeMap<>(SyncedDir::comparePaths);
        Map<String, Entry> all = new TreeMap<>();
        entries.forEach(e -> all.put(e.path(), e));
        for (Entry e : entries) {
            if (patterns.includes(e.path())) {
                kept.put(e.path(), e);
                String parent = e.path();
                int slash;
                while ((slash = parent.lastIndexOf('/')) > 0) {
                    parent = parent.substring(0, slash);
                    kept.putIfAbsent(parent, all.get(parent));
                }
            }
        }
        return new ArrayList<>(kept.values());
    }

    private static void addParents(Map<String, Entry> byPath, String rel) {
        int slash = -1;
        while ((slash = rel.indexOf('/', slash + 1)) > 0) {
            String parent = rel.substring(0, slash);
            byPath.putIfAbsent(parent, new Entry(parent, Kind.DIRECTORY, 0755, 0, 0, null, null, null));
        }
    }

    private static Entry hostEntry(String rel, Path p) throws IOException {
        if (Files.isSymbolicLink(p)) {
            return new Entry(rel, Kind.SYMLINK, 0777, 0, 0, Files.readSymbolicLink(p).toString(), null, null);
        }
        int mode = ContextTar.mode(p);
        if (Files.isDirectory(p)) {
            return new Entry(rel, Kind.DIRECTORY, mode, 0, 0, null, null, null);
        }
        return new Entry(rel, Kind.FILE, mode, Files.size(p), contentTime(p), null, p, null);
    }

    private static String relative(Path directory, Path p) {
        return directory.relativize(p).toString().replace('\\', '/');
    }

    /** fsutil's path order: byte by byte, with '/' before every other byte (so a directory's children follow it). */
    static int comparePaths(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            if (x[i] == y[i]) {
                continue;
            }
            if (x[i] == '/') {
                return -1;
            }
            if (y[i] == '/') {
                return 1;
            }
            return Integer.compare(x[i] & 0xff, y[i] & 0xff);
        }
        return Integer.compare(x.length, y.length);
    }

    private static long contentTime(Path file) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return prefix(sha.digest());
    }

    static long contentTime(byte[] content) {
        return prefix(sha256().digest(content));
    }

    private static long prefix(byte[] digest) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (digest[i] & 0xff);
        }
        return v >>> (64 - MTIME_BITS);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
