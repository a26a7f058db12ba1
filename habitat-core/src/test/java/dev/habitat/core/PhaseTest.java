package dev.habitat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PhaseTest {
    @Test
    void oneParserForIdsNamesAndTagSuffixesInAnyCase() {
        for (String s : new String[] {"7", "repos", "Repos", "REPOS", "7-repos", "7-Repos", " repos "}) {
            assertEquals(Optional.of(Phase.REPOS), Phase.parse(s), s);
        }
        assertEquals(Optional.empty(), Phase.parse("13"));
        assertEquals(Optional.empty(), Phase.parse("deploy"));
    }

    @Test
    void aMisspeltPhaseGetsTheNearestName() {
        assertEquals(Optional.of("files"), Phase.didYouMean("fils"));
        assertEquals(Optional.of("scripts"), Phase.didYouMean("6-scirpts"));
        assertEquals(Optional.empty(), Phase.didYouMean("deploy"));
        var e = assertThrows(IllegalArgumentException.class, () -> Phase.require("fils", "target"));
        assertTrue(e.getMessage().startsWith("Unknown target phase 'fils'. Did you mean 'files'? Valid phases: 1-base, 2-users"),
                e.getMessage());
    }
}
