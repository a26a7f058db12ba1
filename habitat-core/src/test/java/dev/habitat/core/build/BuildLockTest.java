package dev.habitat.core.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.HabitatException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build lock: per user, owner-only, and never through a link another local user could plant. */
class BuildLockTest {
    @TempDir
    Path tmp;

    private final SharedSnapshotsTest.Recorded progress = new SharedSnapshotsTest.Recorded();

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theLocksLiveInTheUsersCacheNotInTheSharedTemporaryDirectory() {
        Path dir = HabitatBuilder.lockDirectory();
        assertFalse(dir.startsWith(Path.of(System.getProperty("java.io.tmpdir"), "habitat-build-locks")), "not in the shared tmpdir: " + dir);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        assertEquals(cache.resolve("habitat/locks"), dir);
    }

    @Test
    void theUserDirectoryFollowsXdgCacheHomeWhenItIsAbsolute() {
        assertEquals(Path.of("/x/cache/habitat/locks"), BuildLock.userDirectory("/x/cache", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/habitat/locks"), BuildLock.userDirectory(null, "/home/u"));
        assertEquals(Path.of("/home/u/.cache/habitat/locks"), BuildLock.userDirectory("", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/habitat/locks"), BuildLock.userDirectory("relative/cache", "/home/u"), "the XDG spec ignores a relative one");
    }

    @Test
    void theDirectoryAndTheLockAreOwnerOnlyAndASecondHolderWaits() throws Exception {
        Path dir = tmp.resolve("cache/habitat/locks");
        try (BuildLock lock = BuildLock.acquire(dir, "hello", Duration.ofHours(1), progress)) {
            assertEquals("rwx------", mode(dir));
            assertEquals("rw-------", mode(dir.resolve("hello.lock")));
            HabitatException e = assertThrows(HabitatException.class, () -> BuildLock.acquire(dir, "hello", Duration.ZERO, progress));
            assertTrue(e.getMessage().contains("another build of hello"), e.getMessage());
        }
        BuildLock.acquire(dir, "hello", Duration.ZERO, progress).close();
    }

    @Test
    void aDirectoryOpenToOthersIsNarrowedToTheOwner() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("locks"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        BuildLock.acquire(dir, "hello", Duration.ZERO, progress).close();
        assertEquals("rwx------", mode(dir));
    }

    @Test
    void aLinkPlantedAtTheLockPathIsRefusedNeverFollowed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("locks"));
        Path victim = tmp.resolve("victim-file");
        Files.createSymbolicLink(dir.resolve("hello.lock"), victim);
        Exception e = assertThrows(RuntimeException.class, () -> BuildLock.acquire(dir, "hello", Duration.ZERO, progress).close());
        assertTrue(e.getMessage().contains("symbolic link") && e.getMessage().contains("Remove it"), e.getMessage());
        assertFalse(Files.exists(victim, LinkOption.NOFOLLOW_LINKS), "the link's target is not created");
        assertTrue(Files.isSymbolicLink(dir.resolve("hello.lock")));
    }

    @Test
    void aLinkedLockDirectoryIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path dir = Files.createSymbolicLink(tmp.resolve("locks"), elsewhere);
        Exception e = assertThrows(RuntimeException.class, () -> BuildLock.acquire(dir, "hello", Duration.ZERO, progress).close());
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertFalse(Files.exists(elsewhere.resolve("hello.lock")), "nothing is created through the link");
    }
}
