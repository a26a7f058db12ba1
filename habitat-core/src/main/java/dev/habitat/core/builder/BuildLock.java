package dev.habitat.core.builder;

import dev.habitat.core.HabitatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * One build of a habitat at a time on this machine: snapshots are tags of one repository, and two builds
 * re-tagging them at once could leave phases of different builds chained. A file lock works across Maven
 * processes; inside one JVM ({@code mvn -T}) the same file is locked again through a new channel, which
 * the JDK refuses while it is held, so no shared state is needed.
 */
public final class BuildLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private BuildLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits (reporting once) until no other build of {@code habitat} runs, for at most {@code patience}. */
    public static BuildLock acquire(Path directory, String habitat, Duration patience, BuildProgress progress) {
        Path file = directory.resolve(habitat + ".lock");
        Instant deadline = Instant.now().plus(patience);
        boolean told = false;
        try {
            Files.createDirectories(directory);
            while (true) {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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
