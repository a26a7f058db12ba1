package dev.habitat.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Phase;
import dev.habitat.core.build.HabitatBuilder;
import dev.habitat.core.engine.ImageInfo;
import dev.habitat.core.plan.MachineFacts;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.SnapshotLabels;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotsTest {

    private static Map<Phase, PhaseHash> hashes(String suffix) {
        Map<Phase, PhaseHash> m = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            Map<String, String> inputs = new LinkedHashMap<>();
            inputs.put("previous", "x");
            inputs.put("stage:" + p.phaseName(), p.phaseName() + (p.id() >= 6 ? suffix : ""));
            m.put(p, new PhaseHash(p, p.phaseName() + (p.id() >= 6 ? suffix : ""), inputs));
        }
        return m;
    }

    /** Labels as the rendered Dockerfile leaves them on the snapshot of phase {@code p}. */
    private static Map<String, String> labels(Map<Phase, PhaseHash> h, Phase p) {
        Map<String, String> l = new HashMap<>();
        l.put(SnapshotLabels.LABEL_SCHEMA, SnapshotLabels.SCHEMA_VERSION);
        for (Phase q : Phase.values()) {
            if (q.id() <= p.id()) {
                l.put(SnapshotLabels.LABEL_HASH_PREFIX + q.phaseName(), h.get(q).hash());
                l.put(SnapshotLabels.LABEL_INPUTS_PREFIX + q.phaseName(), SnapshotLabels.inputsJson(h.get(q)));
            }
        }
        return l;
    }

    private static Snapshots store(Map<Phase, PhaseHash> current, Map<Phase, PhaseHash> stored, Set<Phase> present) {
        return new Snapshots("habitat-x", current, tag -> {
            Phase p = Phase.parse(tag.substring(tag.indexOf(':') + 1)).orElseThrow();
            return present.contains(p) ? Optional.of(new ImageInfo("sha256:" + p.id(), labels(stored, p), 1, "now")) : Optional.empty();
        });
    }

    /**
     * A 12-final made on a machine whose docker socket has group 106 is valid on one whose socket has group 101 (its
     * hashes are machine-independent) and differs only in its machine label; on the machine it was made for it differs
     * in nothing. A 12-final without the label (made before the machine step) differs too.
     */
    @Test
    void aValidFinalOfAnotherMachineDiffersOnlyInItsMachineLabel() {
        Map<Phase, PhaseHash> h = hashes("");
        Map<String, String> madeOn106 = labels(h, Phase.FINAL);
        madeOn106.putAll(new MachineFacts(Optional.of("106")).labels());
        Snapshots s = new Snapshots("habitat-x", h, tag -> Optional.of(new ImageInfo("sha256:12", madeOn106, 1, "now")));
        assertTrue(s.valid(Phase.FINAL));
        assertEquals(List.of("habitat.machine.docker-gid is 106, here 101"), s.machineDifferences(Phase.FINAL, new MachineFacts(Optional.of("101"))));
        assertEquals(List.of("habitat.machine.docker-gid is 106, here none"), s.machineDifferences(Phase.FINAL, MachineFacts.none()));
        assertEquals(List.of(), s.machineDifferences(Phase.FINAL, new MachineFacts(Optional.of("106"))));

        Snapshots unlabelled = new Snapshots("habitat-x", h, tag -> Optional.of(new ImageInfo("sha256:12", labels(h, Phase.FINAL), 1, "now")));
        assertEquals(List.of("habitat.machine.docker-gid is absent, here none"), unlabelled.machineDifferences(Phase.FINAL, MachineFacts.none()));
        Snapshots none = new Snapshots("habitat-x", h, tag -> Optional.empty());
        assertEquals(List.of(), none.machineDifferences(Phase.FINAL, MachineFacts.none()), "no snapshot: nothing to compare (it is not valid)");
    }

    @Test
    void validOnlyWhenEveryHashUpToThePhaseMatches() {
        Map<Phase, PhaseHash> old = hashes("-old");
        Snapshots s = store(hashes("-new"), old, EnumSet.allOf(Phase.class));
        assertTrue(s.valid(Phase.HABITAT), "5-habitat is unaffected");
        assertFalse(s.valid(Phase.FILES));
        assertFalse(s.valid(Phase.FINAL));
        assertEquals(Optional.of(Phase.HABITAT), s.newestValid(Phase.FINAL));
        assertEquals("habitat-x:6-files", s.tag(Phase.FILES));
    }

    @Test
    void aMissingSnapshotFallsBackToTheNewestValidOneBeforeIt() {
        Map<Phase, PhaseHash> h = hashes("");
        Snapshots s = store(h, h, EnumSet.of(Phase.BASE, Phase.USERS, Phase.ENV));
        assertEquals(Optional.of(Phase.ENV), s.newestValid(Phase.FINAL));
        assertEquals(Optional.of(Phase.USERS), s.newestValid(Phase.USERS));
        assertEquals("no snapshot of it exists yet", s.whyStale(Phase.WORKDIR));
    }

    @Test
    void whyStaleNamesTheChangedInputsFromTheStoredOnes() {
        Snapshots s = store(hashes("-new"), hashes("-old"), EnumSet.allOf(Phase.class));
        assertEquals("steps of stage files changed", s.whyStale(Phase.FILES));
        assertEquals(List.of("content of files/0/a changed", "repo:/x added".replace("repo:/x", "remote commit of the repo at /x"),
                        "steps of stage gone removed"),
                Snapshots.diff(Map.of("content:files/0/a", "1", "stage:gone", "2"),
                        new LinkedHashMap<>(Map.of("content:files/0/a", "9")) {{ put("repo:/x", "c"); }}));
    }

    @Test
    void aFinalOnlyChangeIsReportedAtFinalThoughVerifyAndTestRunAgain() {
        Map<Phase, PhaseHash> stored = hashes("");
        Map<Phase, PhaseHash> current = new EnumMap<>(stored);
        current.put(Phase.FINAL, new PhaseHash(Phase.FINAL, "final-2", Map.of("previous", "x", "stage:final", "final-2")));
        Snapshots s = store(current, stored, EnumSet.allOf(Phase.class));
        assertEquals(Optional.of(Phase.SCRIPTS), s.newestValid(Phase.FINAL));
        assertEquals(Optional.of(Phase.FINAL), s.firstChanged(Phase.VERIFY, Phase.FINAL));
        assertEquals("steps of stage final changed", s.whyStale(Phase.FINAL));
        assertEquals(Optional.empty(), s.firstChanged(Phase.VERIFY, Phase.TEST), "a build ending at 11-test: nothing of its own changed");
        Map<Phase, PhaseHash> verifyChanged = new EnumMap<>(current);
        verifyChanged.put(Phase.VERIFY, new PhaseHash(Phase.VERIFY, "verify-2", Map.of("previous", "x", "stage:verify", "verify-2")));
        assertEquals(Optional.of(Phase.VERIFY), store(verifyChanged, stored, EnumSet.allOf(Phase.class)).firstChanged(Phase.VERIFY, Phase.FINAL));
    }

    @Test
    void otherSchemasAreNeverValid() {
        Map<Phase, PhaseHash> h = hashes("");
        Snapshots s = new Snapshots("habitat-x", h, tag -> {
            Map<String, String> l = labels(h, Phase.FINAL);
            l.put(SnapshotLabels.LABEL_SCHEMA, "0");
            return Optional.of(new ImageInfo("sha256:1", l, 1, "now"));
        });
        assertFalse(s.valid(Phase.BASE));
        assertTrue(s.whyStale(Phase.BASE).contains("another label schema"));
    }

    @Test
    void segmentsEndAtSnapshotsAndVerifyAndTestJoinFinal() {
        assertEquals(List.of(EnumSet.of(Phase.SCRIPTS), EnumSet.of(Phase.VERIFY, Phase.TEST, Phase.FINAL)),
                HabitatBuilder.segments(Phase.SCRIPTS, Phase.FINAL));
        assertEquals(List.of(EnumSet.of(Phase.VERIFY)), HabitatBuilder.segments(Phase.VERIFY, Phase.VERIFY));
        assertEquals(10, HabitatBuilder.segments(Phase.BASE, Phase.FINAL).size());
    }
}
