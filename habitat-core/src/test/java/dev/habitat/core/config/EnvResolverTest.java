package dev.habitat.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvResolverTest {
    private final List<EnvResolver.Definition> defs = new ArrayList<>();

    private EnvResolverTest def(Layer layer, String key, String value) {
        defs.add(new EnvResolver.Definition(key, value, layer, new Location(Path.of("c.yaml"), defs.size() + 1, 5),
                "env[" + defs.size() + "]"));
        return this;
    }

    private Map<String, String> resolve() {
        return new EnvResolver(defs).resolve();
    }

    @Test
    void derivedVariableFollowsAnOverrideFromALaterLayer() {
        def(Layer.SYSTEM, "SYSTEM_PATH", "/habitat/system");
        def(Layer.SYSTEM, "SYSTEM_TOOLS_PATH", "${SYSTEM_PATH}/tools/bin");
        def(Layer.HABITAT, "SYSTEM_PATH", "/workspace/system");
        Map<String, String> env = resolve();
        assertEquals("/workspace/system/tools/bin", env.get("SYSTEM_TOOLS_PATH"));
    }

    @Test
    void selfReferenceAppendsToTheOverriddenDefinitionAndStaysLiteralAtTheBottom() {
        def(Layer.SYSTEM, "PATH", "${PATH}:/sys/bin");
        def(Layer.HABITAT, "PATH", "${PATH}:/extra");
        assertEquals("${PATH}:/sys/bin:/extra", resolve().get("PATH"));
    }

    @Test
    void forwardReferencesResolveAndUnknownNamesStayLiteral() {
        def(Layer.HABITAT, "A", "${B}/x");
        def(Layer.HABITAT, "B", "bee");
        def(Layer.HABITAT, "C", "${NOPE}:{env.B}:${VAR:-x}");
        Map<String, String> env = resolve();
        assertEquals("bee/x", env.get("A"));
        assertEquals("${NOPE}:bee:${VAR:-x}", env.get("C"));
    }

    @Test
    void keyKeepsThePositionOfItsFirstDefinition() {
        def(Layer.SYSTEM, "A", "1");
        def(Layer.SYSTEM, "B", "2");
        def(Layer.HABITAT, "A", "3");
        assertEquals(List.of("A", "B"), List.copyOf(resolve().keySet()));
        assertEquals("3", resolve().get("A"));
    }

    @Test
    void cycleIsAnErrorNamingTheVariables() {
        def(Layer.HABITAT, "A", "${B}");
        def(Layer.HABITAT, "B", "x${C}");
        def(Layer.HABITAT, "C", "{env.A}");
        ConfigException e = assertThrows(ConfigException.class, this::resolve);
        assertEquals(1, e.problems().size(), e.getMessage());
        String msg = e.problems().get(0).format();
        assertTrue(msg.contains("A -> B -> C -> A"), msg);
        assertTrue(msg.startsWith("c.yaml:1:5: env[0]"), msg);
    }

    @Test
    void expandLeavesUnknownReferencesForTheShell() {
        assertEquals("/w/x ${HOME} {env.NOPE}", EnvResolver.expand("${WORKDIR}/x ${HOME} {env.NOPE}", Map.of("WORKDIR", "/w")));
    }
}
