package dev.habitat.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextTarTest {
    @TempDir
    Path dir;

    @Test
    void theTarBodyOfAStagedContextIsOwnerOnly() throws Exception {
        Path context = Files.createDirectories(dir.resolve("context/files/0"));
        Files.writeString(context.resolve(".id_test"), "key");
        Path tar = dir.resolve(".demo.tar");
        ContextTar.write(dir.resolve("context"), List.of("files"), Map.of("Dockerfile", "FROM x\n".getBytes()), tar);
        assertTrue(Files.size(tar) > 0);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tar)), "it holds the host files");
    }
}
