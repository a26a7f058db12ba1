package dev.habitat.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every config in {@code src/test/resources/bad-configs} must be refused by the loader (no engine is
 * involved) with exactly one error that contains the text of its {@code # expect:} line, points at the line
 * marked {@code #<}, and says how to fix it; {@code # warn:} cases load with that warning instead.
 */
class BadConfigCorpusTest {
    @TempDir
    Path tmp;

    static Stream<String> cases() throws IOException, URISyntaxException {
        Path dir = Path.of(BadConfigCorpusTest.class.getResource("/bad-configs").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @org.junit.jupiter.api.Test
    void theCorpusHasAtLeastFortyRefusedConfigs() throws Exception {
        assertTrue(cases().filter(n -> !n.startsWith("warn-")).count() >= 40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithOneLocatedActionableMessage(String name) throws Exception {
        String text = Files.readString(Path.of(getClass().getResource("/bad-configs/" + name).toURI()));
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("habitat/d"));
        Files.writeString(root.resolve("habitat/f"), "f");
        Files.writeString(tmp.resolve("outside.txt"), "outside");
        Files.createSymbolicLink(root.resolve("habitat/link-out"), tmp);
        Files.writeString(root.resolve("habitat/config.yaml"), text);
        int marked = markedLine(text);
        ConfigLoader loader = new ConfigLoader(tmp.resolve("home"));

        if (text.startsWith("# warn: ")) {
            String expected = firstLine(text).substring("# warn: ".length());
            HabitatConfig c = loader.load(root, Path.of("habitat/config.yaml"));
            List<ConfigProblem> matching = c.warnings().stream().filter(w -> w.format().contains(expected)).toList();
            assertEquals(1, matching.size(), c.warnings().toString());
            assertEquals(marked, matching.get(0).location().line(), matching.get(0).format());
            return;
        }
        String expected = text.isEmpty()
                ? Files.readString(Path.of(getClass().getResource("/bad-configs/" + name.replace(".yaml", ".expect")).toURI())).trim()
                : firstLine(text).substring("# expect: ".length());
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(root, Path.of("habitat/config.yaml")));
        List<ConfigProblem> errors = e.problems().stream().filter(ConfigProblem::isError).toList();
        assertEquals(1, errors.size(), "exactly one error expected:\n" + e.getMessage());
        ConfigProblem p = errors.get(0);
        String message = p.format();
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
        assertTrue(message.startsWith(root.resolve("habitat/config.yaml").toString()), "names the file: " + message);
        assertFalse(p.fix() == null || p.fix().isBlank(), "says how to fix it: " + message);
        if (marked > 0) {
            if (expected.startsWith("YAML syntax error")) {
                assertTrue(Math.abs(p.location().line() - marked) <= 1, "near line " + marked + ": " + message);
            } else {
                assertEquals(marked, p.location().line(), "points at the marked line: " + message);
            }
            assertTrue(p.location().column() > 0, message);
        }
    }

    private static int markedLine(String text) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith(" #<")) {
                return i + 1;
            }
        }
        return 0;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        if (nl < 0) {
            fail("no header line");
        }
        return text.substring(0, nl);
    }
}
