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
                out.add(new Entry("", Kind.DIRECTORY, dirMode(tree.fileMode(), hostMode(root)), root, null));
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
                out.add(new Entry(rel, Kind.DIRECTORY, dirMode(tree.fileMode(), hostMode(child)), child, null));
                walk(tree, child, rel + "/", excluded, out);
            } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
                out.add(new Entry(rel, Kind.FILE, fileMode(tree, child), child, null));
            }
            // Sockets, fifos and devices are not copied.
        }
    }

    /**
     * The mode a copied file gets (staged, and so in the image). A config {@code mode:} wins as it is stated. Else
     * the original tool's defaults (755 when executable, 600 for keys and .pem files, else 644), which drop the
     * group write a host umask may add so hashes match across machines, masked by the host file's own bits: a
     * default never widens a host file (a 600 {@code ~/.ssh/id} stays 600, not 644). Files whose host bits
     * include the default (644, 664, 755, 775 ...) keep the default, so their hashes do not change.
     */
    static int fileMode(CopySource.HostTree tree, Path file) throws IOException {
        if (tree.fileMode() != null) {
            return tree.fileMode();
        }
        Integer host = hostMode(file);
        int defaults;
        if (host != null && (host & 0111) != 0) {
            defaults = 0755;
        } else {
            String name = file.getFileName().toString();
            defaults = keyDestination(tree.destHint()) || name.endsWith(".pem") || name.contains("_key") ? 0600 : 0644;
        }
        return host == null ? defaults : defaults & host;
    }

    /**
     * The permission bits of a host path, or null where its file system has no POSIX permissions (the defaults
     * apply as they are there, and no executable bit is known).
     */
    static Integer hostMode(Path path) throws IOException {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return null;
        }
        int m = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)) {
            m |= 0400 >> perm.ordinal(); // the enum runs OWNER_READ ... OTHERS_EXECUTE, the bits' order
        }
        return m;
    }

    /** A destination that names a key: every file copied there gets mode 600. */
    static boolean keyDestination(String dest) {
        return dest != null && (dest.contains(".pem") || dest.contains("_key"));
    }

    /**
     * With a config mode, directories stay traversable: each read bit of the file mode brings its execute bit.
     * Without one, 755 masked by the host directory's own bits (never wider than on the host, as for files), and
     * always 700 for the owner so the copy can be read.
     */
    static int dirMode(Integer fileMode, Integer hostMode) {
        if (fileMode == null) {
            return hostMode == null ? 0755 : (0755 & hostMode) | 0700;
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
