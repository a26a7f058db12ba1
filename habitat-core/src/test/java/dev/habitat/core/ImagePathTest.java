package dev.habitat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImagePathTest {
    @Test
    void imagePathsAreNormalizedWithPosixRulesWhateverTheHost() {
        assertEquals("/opt/bin", ImagePath.normalize("/opt//bin/"));
        assertEquals("/a/d", ImagePath.normalize("/a/b/./c/../../d"));
        assertEquals("/", ImagePath.normalize("/../.."));
        assertEquals("/", ImagePath.normalize("/"));
        assertEquals("../x", ImagePath.normalize("a/../../x"));
        assertEquals(".", ImagePath.normalize("a/.."));
    }
}
