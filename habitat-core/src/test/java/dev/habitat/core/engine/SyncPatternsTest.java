package dev.habitat.core.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyncPatternsTest {
    @Test
    void includePatternsSelectAPathTheContentsOfADirectoryAndNothingElse() {
        SyncPatterns p = new SyncPatterns(List.of("/files/0"), List.of(), List.of());
        assertTrue(p.includes("files/0"));
        assertTrue(p.includes("files/0/deep/file"));
        assertFalse(p.includes("files/01"));
        assertFalse(p.includes("scripts/0/run.sh"));
    }

    @Test
    void followPathsActLikeIncludes() {
        SyncPatterns p = new SyncPatterns(List.of(), List.of(), List.of("Dockerfile", "Dockerfile.dockerignore"));
        assertTrue(p.includes("Dockerfile"));
        assertFalse(p.includes(".dockerignore"));
    }

    @Test
    void excludesFollowDockerignoreRulesLastMatchWins() {
        SyncPatterns p = new SyncPatterns(List.of(), List.of("report.*", "**/*.log", "logs", "!logs/keep.log"), List.of());
        assertFalse(p.includes("report.json"));
        assertFalse(p.includes("a/b/c.log"));
        assertFalse(p.includes("x.log"), "**/ also matches at the root");
        assertFalse(p.includes("logs/other"));
        assertTrue(p.includes("logs/keep.log"));
        assertTrue(p.includes("reports/x"), "* stays within one segment");
    }

    @Test
    void globsHaveSegmentWildcardsCharacterClassesAndEscapes() {
        SyncPatterns p = new SyncPatterns(List.of("a?c/*.txt", "[!x]y", "lit\\*"), List.of(), List.of());
        assertTrue(p.includes("abc/one.txt"));
        assertFalse(p.includes("abc/sub/one.txt"));
        assertTrue(p.includes("zy"));
        assertFalse(p.includes("xy"));
        assertTrue(p.includes("lit*"));
        assertFalse(p.includes("literal"));
    }
}
