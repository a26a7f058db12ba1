package dev.habitat.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Fixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code caches}: defaults, the three forms, layer order, and located errors with the nearest name. */
class CacheSectionTest {
    @TempDir
    Path dir;

    private static List<String> names(HabitatConfig c) {
        return c.caches().stream().map(CacheSpec::name).toList();
    }

    private List<ConfigProblem> errors(String config) {
        ConfigException e = assertThrows(ConfigException.class, () -> new Fixture(dir).write("habitat/config.yaml", config).load());
        return e.problems().stream().filter(ConfigProblem::isError).toList();
    }

    @Test
    void aptIsOnByDefaultWithItsArchivesAndLists() {
        HabitatConfig c = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL).load();
        assertEquals(List.of("apt"), names(c));
        CacheSpec apt = c.caches().get(0);
        assertEquals(List.of("/var/cache/apt", "/var/lib/apt/lists"), apt.targets("dev"), "root's whatever the script's user");
        assertEquals("locked", apt.sharing());
        assertTrue(apt.system());
    }

    @Test
    void wellKnownCachesLieInTheHomeOfTheScriptsUser() {
        CacheSpec go = CacheSpec.WELL_KNOWN.get("go");
        assertEquals(List.of("/home/dev/go/pkg/mod", "/home/dev/.cache/go-build"), go.targets("dev"));
        assertEquals(List.of("/root/.npm"), CacheSpec.WELL_KNOWN.get("npm").targets("root"));
        assertEquals(List.of("/home/dev/.m2/repository"), CacheSpec.WELL_KNOWN.get("maven").targets("dev"));
        assertEquals(List.of("/home/dev/.cache/pip"), CacheSpec.WELL_KNOWN.get("pip").targets("dev"));
    }

    @Test
    void layersMergeInOrderAndALaterLayerTurnsADefaultOff() {
        HabitatConfig c = new Fixture(dir)
                .write("system/config.yaml", "caches: [npm, pip]\n")
                .write("shared/config.yaml", "caches:\n  apt: false\n  pip: false\n")
                .write("habitat/config.yaml", Fixture.MINIMAL + "  - TOOL_CACHE=/var/cache/tool\ncaches: ['${TOOL_CACHE}/', ~/.cache/tool, npm]\n")
                .load();
        assertEquals(List.of("npm", "/var/cache/tool", "~/.cache/tool"), names(c), "env expanded, trailing slash dropped");
        assertEquals(List.of("/home/dev/.cache/tool"), c.caches().get(2).targets("dev"));
    }

    @Test
    void falseTurnsOffEveryCacheOnSoFarAndALaterLayerMayAddAgain() {
        HabitatConfig off = new Fixture(dir).write("shared/config.yaml", "caches: [maven]\n")
                .write("habitat/config.yaml", Fixture.MINIMAL + "caches: false\n").load();
        assertEquals(List.of(), names(off));
        HabitatConfig again = new Fixture(dir).write("shared/config.yaml", "caches: false\n")
                .write("habitat/config.yaml", Fixture.MINIMAL + "caches: [cargo]\n").load();
        assertEquals(List.of("cargo"), names(again));
    }

    @Test
    void anUnknownNameIsALocatedErrorWithTheNearestName() {
        List<ConfigProblem> list = errors(Fixture.MINIMAL + "caches: [npm, nmp]\n");
        assertEquals(1, list.size(), list.toString());
        assertEquals("caches[1]", list.get(0).keyPath());
        assertEquals(6, list.get(0).location().line());
        assertTrue(list.get(0).format().contains("'nmp' is not a cache. Fix: did you mean 'npm'?"), list.get(0).format());

        List<ConfigProblem> map = errors(Fixture.MINIMAL + "caches:\n  atp: false\n");
        assertEquals("caches.atp", map.get(0).keyPath());
        assertTrue(map.get(0).fix().startsWith("did you mean 'apt'?"), map.get(0).fix());

        List<ConfigProblem> far = errors(Fixture.MINIMAL + "caches: [homebrew]\n");
        assertTrue(far.get(0).fix().contains("use one of: apt, npm, pip, maven, gradle, cargo, go"), far.get(0).fix());
    }

    @Test
    void pathsThatWouldHideTheSystemOrCannotBeMountedAreRefused() {
        List<ConfigProblem> list = errors(Fixture.MINIMAL + "caches: [/, '/run/habitat/x', '/a b', /opt/../etc, '~']\n");
        assertEquals(5, list.size(), list.toString());
        assertTrue(list.get(0).message().contains("the whole image"), list.get(0).message());
        assertTrue(list.get(1).message().contains("lies in /run/habitat"), list.get(1).message());
        assertTrue(list.get(2).message().contains("a character a mount cannot take"), list.get(2).message());
        assertTrue(list.get(3).message().contains("a directory it does not name"), list.get(3).message());
        assertTrue(list.get(4).message().contains("'~' is not a cache") || list.get(4).message().contains("the whole home"),
                list.get(4).message());
    }

    @Test
    void otherShapesAreRefused() {
        List<ConfigProblem> list = errors(Fixture.MINIMAL + "caches: npm\n");
        assertEquals("caches", list.get(0).keyPath());
        assertTrue(list.get(0).fix().contains("caches: [npm, pip]"), list.get(0).fix());
        List<ConfigProblem> value = errors(Fixture.MINIMAL + "caches: {npm: yes please}\n");
        assertTrue(value.get(0).message().contains("must be a boolean"), value.get(0).message());
    }
}
