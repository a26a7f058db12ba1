package dev.habitat.core.engine;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Packs (a part of) a staged build context as the tar body of a build request: root-owned entries,
 * modes and symlinks as staged, stable timestamps so an unchanged context packs to the same bytes.
 */
public final class ContextTar {
    private ContextTar() {}

    /**
     * @param roots paths relative to {@code contextDir} to include (files or whole directories)
     */
    public static long write(Path contextDir, Collection<String> roots, Map<String, byte[]> extraFiles, Path tarFile) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(ownerOnly(tarFile)));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Set<String> written = new HashSet<>();
            for (Map.Entry<String, byte[]> extra : extraFiles.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(extra.getKey());
                e.setSize(extra.getValue().length);
                e.setMode(0100644);
                e.setModTime(0);
                tar.putArchiveEntry(e);
                tar.write(extra.getValue());
                tar.closeArchiveEntry();
                written.add(extra.getKey());
            }
            for (String root : roots) {
                Path p = contextDir.resolve(root);
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                // parent directories first, so the daemon sees a well-formed tree
                Path rel = contextDir.relativize(p);
                for (int i = 1; i < rel.getNameCount(); i++) {
                    add(tar, contextDir, contextDir.resolve(rel.subpath(0, i)), written);
                }
                List<Path> all;
                try (Stream<Path> s = Files.walk(p)) {
                    all = s.sorted().toList();
                }
                for (Path f : all) {
                    add(tar, contextDir, f, written);
                }
            }
            tar.finish();
            return Files.size(tarFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack the build context " + contextDir + ": " + e.getMessage(), e);
        }
    }

    private static void add(TarArchiveOutputStream tar, Path root, Path f, Set<String> written) throws IOException {
        String name = root.relativize(f).toString().replace('\\', '/');
        if (name.isEmpty() || !written.add(name)) {
            return;
        }
        putEntry(tar, f, name, null);
    }

    /**
     * Writes one staged path as a root-owned entry named {@code name}: its mode (or {@code dirMode} for a
     * directory, when given), its symlink target or content, mtime 0 so unchanged content packs the same.
     */
    public static void putEntry(TarArchiveOutputStream tar, Path f, String name, Integer dirMode) throws IOException {
        TarArchiveEntry e;
        if (Files.isSymbolicLink(f)) {
            e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(f).toString());
            e.setMode(0120777);
        } else if (Files.isDirectory(f)) {
            e = new TarArchiveEntry(name + "/");
            e.setMode(040000 | (dirMode != null ? dirMode : mode(f)));
        } else {
            e = new TarArchiveEntry(name);
            e.setSize(Files.size(f));
            e.setMode(0100000 | mode(f));
        }
        e.setUserId(0);
        e.setGroupId(0);
        // commons-compress fills in the JVM user's name; the numeric ids are what counts
        e.setUserName("");
        e.setGroupName("");
        e.setModTime(0);
        tar.putArchiveEntry(e);
        if (e.isFile()) {
            Files.copy(f, tar);
        }
        tar.closeArchiveEntry();
    }

    /**
     * Creates the tar file owner-only (0600) where the file system has POSIX permissions: it holds the staged host
     * files (keys among them) while it waits beside the context, and other local users must not read it.
     */
    private static Path ownerOnly(Path tarFile) throws IOException {
        if (tarFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.deleteIfExists(tarFile);
            Files.createFile(tarFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return tarFile;
    }

    static int mode(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int m = 0;
        for (PosixFilePermission perm : perms) {
            m |= switch (perm) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return m;
    }
}
