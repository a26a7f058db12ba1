package dev.habitat.core.plan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The entries of a host file or directory as they will be copied: filtered by {@code .habignore},
 * sorted, with the permission bits the copy gives them. Hashing and staging both read this one listing,
 * so what is hashed is exactly what is copied, directories and contents alike.
 */
public final class SourceTree {

    public enum Kind { FILE, DIRECTORY, SYMLINK }

    /** @param relativePath '/' separated, empty for the root itself */
    public record Entry(String relativePath, Kind kind, int mode, Path hostPath, String linkTarget) {}

    private SourceTree() {}

    /**
     * @param excluded a host path never to copy (the plugin's own output directory), or null
     */
    public static List<Entry> list(CopySource.HostTree tree, Path excluded) {
        List<Entry> out = new ArrayList<>();
        Path root = tree.path();
        try {
            if (Files.isSymbolicLink(root)) {
                out.add(new Entry("", Kind.SYMLINK, 0777, root, Files.readSymbolicLink(root).toString()));
            } else if (Files.isDirectory(root)) {
                out.add(new Entry("", Kind.DIRECTORY, dirMode(tree.fileMode()), root, null));
                walk(tree, root, "", excluded, out);
            } else {
                out.add(new Entry("", Kind.FILE, fileMode(tree, root), root, null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root, e);
        }
        return out;
    }

    private static void walk(CopySource.HostTree tree, Path dir, String prefix, Path excluded, List<Entry> out)
            throws IOException {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        for (Path child : children) {
            if (excluded != null && child.toAbsolutePath().normalize().equals(excluded)) {
                continue;
            }
            String rel = prefix + child.getFileName();
            boolean link = Files.isSymbolicLink(child);
            boolean directory = !link && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
            if (tree.ignore() != null && tree.ignore().ignored(rel, directory)) {
                continue;
            }
            if (link) {
                out.add(new Entry(rel, Kind.SYMLINK, 0777, child, Files.readSymbolicLink(child).toString()));
            } else if (directory) {
                out.add(new Entry(rel, Kind.DIRECTORY, dirMode(tree.fileMode()), child, null));
                walk(tree, child, rel + "/", excluded, out);
            } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
                out.add(new Entry(rel, Kind.FILE, fileMode(tree, child), child, null));
            }
            // Sockets, fifos and devices are not copied.
        }
    }

    /** The original tool's defaults, made independent of the host umask so hashes match across machines. */
    static int fileMode(CopySource.HostTree tree, Path file) throws IOException {
        if (tree.fileMode() != null) {
            return tree.fileMode();
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (perms.contains(PosixFilePermission.OWNER_EXECUTE) || perms.contains(PosixFilePermission.GROUP_EXECUTE)
                || perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            return 0755;
        }
        String name = file.getFileName().toString();
        if (keyDestination(tree.destHint()) || name.endsWith(".pem") || name.contains("_key")) {
            return 0600;
        }
        return 0644;
    }

    /** A destination that names a key: every file copied there gets mode 600. */
    static boolean keyDestination(String dest) {
        return dest != null && (dest.contains(".pem") || dest.contains("_key"));
    }

    /** Directories stay traversable: each read bit of the file mode brings its execute bit. */
    static int dirMode(Integer fileMode) {
        if (fileMode == null) {
            return 0755;
        }
        int m = fileMode & 0777;
        return m | ((m & 0444) >> 2) | 0700;
    }

    /** A digest of names, kinds, modes, link targets and file contents; never of mtimes or host paths. */
    public static String digest(List<Entry> entries) {
        MessageDigest md = sha256();
        byte[] buf = new byte[65536];
        for (Entry e : entries) {
            long size;
            try {
                size = e.kind() == Kind.FILE ? Files.size(e.hostPath()) : 0;
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read " + e.hostPath(), ex);
            }
            md.update((e.kind() + " " + e.relativePath().length() + ":" + e.relativePath() + " "
                    + Integer.toOctalString(e.mode()) + " " + size + " "
                    + (e.linkTarget() == null ? "" : e.linkTarget().length() + ":" + e.linkTarget()) + "\n").getBytes(StandardCharsets.UTF_8));
            if (e.kind() == Kind.FILE) {
                try (InputStream in = Files.newInputStream(e.hostPath())) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                    }
                } catch (IOException ex) {
                    throw new UncheckedIOException("cannot read " + e.hostPath(), ex);
                }
                md.update((byte) '\n');
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
