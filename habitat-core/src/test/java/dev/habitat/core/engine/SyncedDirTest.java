package dev.habitat.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncedDirTest {
    @TempDir
    Path dir;

    @Test
    void listsDepthFirstWithParentsBeforeChildrenInFsutilOrder() throws Exception {
        Files.createDirectories(dir.resolve("files/0/a"));
        Files.writeString(dir.resolve("files/0/a/x"), "x");
        Files.writeString(dir.resolve("files/0/a-b"), "ab");
        Files.writeString(dir.resolve("files/0/a.txt"), "a");
        Files.writeString(dir.resolve("files/0/B"), "B");
        Files.writeString(dir.resolve("unused"), "not a root");
        SyncedDir tree = SyncedDir.of("context", dir, List.of("files/0"), Map.of(".dockerignore", new byte[0]));
        // '/' sorts before every other byte, so a directory's children come right after it; upper case before lower
        assertEquals(List.of(".dockerignore", "files", "files/0", "files/0/B", "files/0/a", "files/0/a/x", "files/0/a-b", "files/0/a.txt"),
                tree.entries().stream().map(SyncedDir.Entry::path).toList());
    }

    @Test
    void modesAreGoFileModesAndFilesAreRootOwned() throws Exception {
        Files.createDirectories(dir.resolve("d"));
        Files.setPosixFilePermissions(dir.resolve("d"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = dir.resolve("d/run.sh");
        Files.writeString(script, "echo hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(dir.resolve("d/link"), Path.of("run.sh"));
        SyncedDir tree = SyncedDir.of("context", dir, List.of("d"), Map.of());
        Map<String, SyncedDir.Entry> byPath = new java.util.HashMap<>();
        tree.entries().forEach(e -> byPath.put(e.path(), e));
        assertEquals((1L << 31) | 0755, byPath.get("d").goMode(), "Go's directory bit with the permissions");
        assertEquals(0750, byPath.get("d/run.sh").goMode());
        assertEquals((1L << 27) | 0777, byPath.get("d/link").goMode());
        assertEquals("run.sh", byPath.get("d/link").linkTarget());
        assertEquals(8, byPath.get("d/run.sh").size());
    }

    @Test
    void modificationTimeFollowsContentNotTheClock() throws Exception {
        Files.writeString(dir.resolve("f"), "same");
        long first = SyncedDir.of("c", dir, List.of("f"), Map.of()).entries().get(0).modTimeNanos();
        Files.delete(dir.resolve("f"));
        Thread.sleep(5);
        Files.writeString(dir.resolve("f"), "same");
        assertEquals(first, SyncedDir.of("c", dir, List.of("f"), Map.of()).entries().get(0).modTimeNanos(),
                "a rewritten file with the same bytes looks unchanged to the engine");
        Files.writeString(dir.resolve("f"), "sane"); // same size, other content
        long changed = SyncedDir.of("c", dir, List.of("f"), Map.of()).entries().get(0).modTimeNanos();
        assertNotEquals(first, changed, "a same-size edit still changes what the engine compares");
        assertTrue(first > 0 && first < (1L << 40) && changed < (1L << 40), "within the first 20 minutes of 1970");
        assertEquals(SyncedDir.contentTime("same".getBytes(StandardCharsets.UTF_8)), first, "in-memory and host files agree");
    }

    @Test
    void selectKeepsParentsOfWantedPathsAndDropsExcludedOnes() throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/wanted"), "1");
        Files.writeString(dir.resolve("a/other"), "2");
        Files.writeString(dir.resolve("report.json"), "{}");
        SyncedDir tree = SyncedDir.of("context", dir, List.of("a", "report.json"), Map.of());
        assertEquals(List.of("a", "a/b", "a/b/wanted"), paths(tree.select(new SyncPatterns(List.of(), List.of(), List.of("a/b/wanted")))));
        assertEquals(List.of("a", "a/b", "a/b/wanted", "a/other"),
                paths(tree.select(new SyncPatterns(List.of(), List.of("report.json"), List.of()))));
        assertEquals(tree.entries(), tree.select(SyncPatterns.all()));
    }

    private static List<String> paths(List<SyncedDir.Entry> entries) {
        return entries.stream().map(SyncedDir.Entry::path).toList();
    }
}
