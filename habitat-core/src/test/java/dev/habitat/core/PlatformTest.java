package dev.habitat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlatformTest {
    @Test
    void parsesDockersNamesOnly() {
        assertEquals(new Platform("linux", "arm64", null), Platform.tryParse(" Linux/ARM64 ").orElseThrow());
        assertEquals(new Platform("linux", "arm", "v7"), Platform.tryParse("linux/arm/v7").orElseThrow());
        assertEquals("linux/arm/v7", Platform.tryParse("linux/arm/v7").orElseThrow().toString());
        assertEquals("linux-arm-v7", Platform.tryParse("linux/arm/v7").orElseThrow().tagPart());
        assertEquals(Optional.empty(), Platform.tryParse("linux/aarch64"), "the kernel's name is not Docker's");
        assertEquals(Optional.empty(), Platform.tryParse("arm64"), "the os is part of the name");
    }

    @Test
    void aTypoGetsTheNearestValidName() {
        assertEquals(Optional.of("linux/arm64"), Platform.nearest("linux/arm46"));
        assertEquals(Optional.of("linux/arm64"), Platform.nearest("linux/aarch64"));
        assertEquals(Optional.of("linux/amd64"), Platform.nearest("linux/x86_64"));
        assertEquals(Optional.of("linux/arm64"), Platform.nearest("arm64"));
        assertEquals(Optional.of("linux/amd64"), Platform.nearest("linux/amd46"));
        assertEquals(Optional.empty(), Platform.nearest("solaris/sparc"));
        String why = assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux/arm46", "platforms")).getMessage();
        assertTrue(why.contains("'linux/arm46' is not a platform") && why.contains("did you mean 'linux/arm64'?"), why);
    }

    @Test
    void aListNamesEveryBadEntry() {
        assertEquals(List.of(new Platform("linux", "amd64", null), new Platform("linux", "arm64", null)),
                Platform.parseList("linux/amd64, linux/arm64", "-Dhabitat.platforms"));
        String why = assertThrows(IllegalArgumentException.class,
                () -> Platform.parseList("linux/amd64,linux/aarch64,linux/amd64", "-Dhabitat.platforms")).getMessage();
        assertTrue(why.startsWith("-Dhabitat.platforms: ") && why.contains("'linux/aarch64' is not a platform; did you mean 'linux/arm64'?")
                && why.contains("'linux/amd64' is listed twice"), why);
    }

    @Test
    void theEnginesOwnFromItsVersionAnswer() {
        assertEquals(new Platform("linux", "amd64", null), Platform.ofEngine("linux", "amd64"));
        assertEquals(new Platform("linux", "arm64", null), Platform.ofEngine("linux", "aarch64"));
        assertEquals("{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}", new Platform("linux", "arm", "v7").json());
    }
}
