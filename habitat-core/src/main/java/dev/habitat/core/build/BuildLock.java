package dev.habitat.core.build;

import dev.habitat.core.HabitatException;
import dev.habitat.core.report.BuildProgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * One build of a habitat at a time on this machine by this user: snapshots are tags of one repository, and two
 * builds re-tagging them at once could leave phases of different builds chained. A file lock works across Maven
 * processes; inside one JVM ({@code mvn -T}) the same file is locked again through a new channel, which the JDK
 * refuses while it is held, so no shared state is needed.
 *
 * <p>The locks live in a per-user directory (see {@link #userDirectory}), owner-only, and a link at the lock path
 * or the directory is refused, never followed: in a shared directory such as {@code /tmp} another local user could
 * pre-create the lock (blocking builds) or plant a link that makes the build create or lock a file of their choice.
 */
public final class BuildLock implements AutoCloseable {
    private static final String OWNER_ONLY_DIR = "rwx------";
    private final FileChannel channel;
    private final FileLock lock;

    private BuildLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * The user's lock directory: {@code $XDG_CACHE_HOME/habitat/locks} when that is set to an absolute path (as the
     * XDG spec requires), else {@code ~/.cache/habitat/locks}.
     */
    public static Path userDirectory(String xdgCacheHome, String userHome) {
        Path cache = xdgCacheHome != null && !xdgCacheHome.isBlank() && Path.of(xdgCacheHome).isAbsolute()
                ? Path.of(xdgCacheHome) : Path.of(userHome, ".cache");
        return cache.resolve("habitat").resolve("locks");
    }

    /** Waits (reporting once) until no other build of {@code habitat} runs, for at most {@code patience}. */
    public static BuildLock acquire(Path directory, String habitat, Duration patience, BuildProgress progress) {
        Path file = directory.resolve(habitat + ".lock");
        Instant deadline = Instant.now().plus(patience);
        boolean told = false;
        try {
            privateDirectory(directory);
            while (true) {
                FileChannel ch = open(file);
                try {
                    FileLock l = ch.tryLock();
                    if (l != null) {
                        return new BuildLock(ch, l);
                    }
                } catch (OverlappingFileLockException inThisJvm) {
                    // another thread of this JVM builds it
                }
                ch.close();
                if (!told) {
                    progress.info("habitat: waiting for another build of " + habitat + " to finish (" + file + ")");
                    told = true;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw HabitatException.ofEnvironment("another build of " + habitat + " has held " + file + " for over "
                            + patience.toMinutes() + " minutes; if no build runs, delete the file", null);
                }
                Thread.sleep(200);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another build of " + habitat, e);
        }
    }

    /**
     * Creates the lock directory owner-only (0700), or checks an existing one: a real directory, not a link, and
     * narrowed to 0700 when wider (which only its owner can do: another user's directory is refused).
     */
    private static void privateDirectory(Path directory) throws IOException {
        boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (Files.isSymbolicLink(directory)) {
            throw HabitatException.ofEnvironment("the build lock directory " + directory + " is a symbolic link; habitat "
                    + "does not follow it. Remove the link (the directory is created again, owner-only) and build again.", null);
        }
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory.getParent());
            try {
                if (posix) {
                    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY_DIR)));
                } else {
                    Files.createDirectory(directory);
                }
            } catch (FileAlreadyExistsException raced) {
                // another build created it at the same moment: checked below like any existing one
                privateDirectory(directory);
                return;
            }
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw HabitatException.ofEnvironment("the build lock directory " + directory + " is not a directory; "
                    + "remove it and build again.", null);
        }
        if (posix && !OWNER_ONLY_DIR.equals(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS)))) {
            try {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(OWNER_ONLY_DIR));
            } catch (IOException notOurs) {
                throw HabitatException.ofEnvironment("the build lock directory " + directory + " is open to other users and "
                        + "cannot be made owner-only (" + notOurs.getMessage() + "); remove it (the build creates it again, "
                        + "owner-only) or set XDG_CACHE_HOME to a directory of your own.", notOurs);
            }
        }
    }

    /** Opens (creating, owner-only) the lock file; {@code O_NOFOLLOW}: a link at the lock path fails, never followed. */
    private static FileChannel open(Path file) throws IOException {
        if (Files.isSymbolicLink(file) || Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw HabitatException.ofEnvironment("the build lock " + file + " is a symbolic link or not a regular file; "
                    + "habitat never follows or writes through it. Remove it and build again.", null);
        }
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        return file.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(file, options);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel or the process anyway
        }
    }
}
