package dev.habitat.core.build;

import dev.habitat.core.Platform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.Phase;
import dev.habitat.core.engine.ImageInfo;
import dev.habitat.core.engine.ImageTransfer;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryAuth;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.report.PhaseResult;
import dev.habitat.core.snapshot.SharedSnapshots;
import dev.habitat.core.snapshot.Snapshots;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registry side of a build against an in-memory engine and registry: which snapshot is pulled, checked, pushed. */
class SharedSnapshotsTest {
    private static final ImageReference REGISTRY = ImageReference.parse("127.0.0.1:5000/team", false);
    private static final RegistryAuth ALICE = new RegistryAuth("127.0.0.1:5000", "alice", "s3cret-pw", null, "settings.xml server '127.0.0.1:5000'");

    /** An engine with local images, and the registry it reaches. */
    static final class FakeEngine implements ImageTransfer {
        final Map<String, ImageInfo> local = new HashMap<>();
        final Map<String, ImageInfo> registry = new HashMap<>();
        final List<String> pulls = new ArrayList<>();
        final List<String> pushes = new ArrayList<>();
        boolean unreachable;
        String password = "s3cret-pw";
        int pushesBeforeCut = Integer.MAX_VALUE;

        private TransferResult gate(RegistryAuth auth) {
            if (unreachable) {
                return TransferResult.failed(500, "Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused");
            }
            if (!password.equals(auth.password())) {
                return TransferResult.failed(500, "unauthorized: authentication required");
            }
            return null;
        }

        @Override
        public TransferResult pull(String ref, RegistryAuth auth) {
            pulls.add(ref);
            TransferResult refused = gate(auth);
            if (refused != null) {
                return refused;
            }
            ImageInfo img = registry.get(ref);
            if (img == null) {
                return TransferResult.failed(404, "manifest for " + ref + " not found: manifest unknown");
            }
            local.put(ref, img);
            return TransferResult.done(1000);
        }

        @Override
        public TransferResult inRegistry(String ref, RegistryAuth auth) {
            TransferResult refused = gate(auth);
            return refused != null ? refused : registry.containsKey(ref) ? TransferResult.done(0)
                    : TransferResult.failed(404, "manifest unknown: manifest unknown");
        }

        @Override
        public TransferResult push(String ref, RegistryAuth auth) {
            TransferResult refused = gate(auth);
            if (refused != null) {
                return refused;
            }
            if (pushes.size() >= pushesBeforeCut) {
                return TransferResult.failed(200, "Patch \"http://127.0.0.1:5000/v2/team/habitat-x/blobs/uploads/1\": EOF");
            }
            pushes.add(ref);
            registry.put(ref, local.get(ref));
            return TransferResult.done(10);
        }

        @Override
        public void tag(String image, String ref) {
            local.put(ref, local.get(image));
        }

        @Override
        public void removeTag(String ref) {
            local.remove(ref);
        }

        @Override
        public Optional<ImageInfo> inspectImage(String ref) {
            return Optional.ofNullable(local.get(ref));
        }
    }

    static final class Recorded implements BuildProgress {
        final List<String> warnings = new ArrayList<>();
        final List<String> infos = new ArrayList<>();

        public void info(String m) { infos.add(m); }
        public void warn(String m) { warnings.add(m); }
        public void phaseStarted(Phase p) { }
        public void phaseFinished(PhaseResult r) { }
        public void output(Phase p, String s, String l) { }
    }

    private static Map<Phase, PhaseHash> hashes(String suffix) {
        Map<Phase, PhaseHash> m = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            m.put(p, new PhaseHash(p, Integer.toHexString((p.phaseName() + (p.id() >= 6 ? suffix : "")).hashCode()), Map.of()));
        }
        return m;
    }

    private static ImageInfo snapshot(Map<Phase, PhaseHash> h, Phase p) {
        Map<String, String> l = new HashMap<>();
        l.put(SnapshotLabels.LABEL_SCHEMA, SnapshotLabels.SCHEMA_VERSION);
        for (Phase q : Phase.values()) {
            if (q.id() <= p.id()) {
                l.put(SnapshotLabels.LABEL_HASH_PREFIX + q.phaseName(), h.get(q).hash());
            }
        }
        return new ImageInfo("sha256:" + p.id() + h.get(p).hash(), l, 1, "now");
    }

    private final Map<Phase, PhaseHash> current = hashes("-v1");
    private final FakeEngine engine = new FakeEngine();
    private final Recorded progress = new Recorded();
    static final Platform AMD64 = new Platform("linux", "amd64", null);
    private final SharedSnapshots shared = new SharedSnapshots(engine, REGISTRY, "habitat-x", current, AMD64, host -> ALICE, progress);
    private final Snapshots local = new Snapshots("habitat-x", current, engine::inspectImage);

    private void pushedBefore(Map<Phase, PhaseHash> h, Phase... phases) {
        SharedSnapshots side = new SharedSnapshots(engine, REGISTRY, "habitat-x", h, AMD64, host -> ALICE, progress);
        for (Phase p : phases) {
            engine.registry.put(side.remoteTag(p), snapshot(h, p));
        }
    }

    @Test
    void tagsAreContentAddressedUnderTheRegistryPrefix() {
        assertEquals("127.0.0.1:5000/team/habitat-x:6-files-linux-amd64-" + current.get(Phase.FILES).hash(), shared.remoteTag(Phase.FILES));
        SharedSnapshots other = new SharedSnapshots(engine, REGISTRY, "habitat-x", hashes("-v2"), AMD64, host -> ALICE, progress);
        assertFalse(other.remoteTag(Phase.FILES).equals(shared.remoteTag(Phase.FILES)), "another state of the habitat, another tag");
        assertEquals(shared.remoteTag(Phase.HABITAT), other.remoteTag(Phase.HABITAT), "phases before the change share their tags");
    }

    @Test
    void pullsOnlyTheNewestRegistrySnapshotNewerThanTheLocalOnes() {
        engine.local.put("habitat-x:2-users", snapshot(current, Phase.USERS));
        pushedBefore(current, Phase.BASE, Phase.USERS, Phase.ENV, Phase.HABITAT, Phase.SCRIPTS);
        pushedBefore(hashes("-v0"), Phase.FINAL); // an older state: another tag, so never asked for

        SharedSnapshots.Pulled pulled = shared.pullNewer(Phase.FINAL, local.newestValid(Phase.FINAL), local);

        assertEquals(Optional.of(Phase.SCRIPTS), pulled.newest());
        assertTrue(local.valid(Phase.SCRIPTS));
        assertFalse(engine.pulls.contains(shared.remoteTag(Phase.HABITAT)), "the earlier snapshots are pulled when a build needs them");
        assertFalse(engine.pulls.contains(shared.remoteTag(Phase.USERS)), "a valid local snapshot is not pulled again");
        assertEquals(EnumSet.range(Phase.ENV, Phase.SCRIPTS), pulled.phases(), "the phases the pulled snapshot holds");
        assertTrue(engine.local.keySet().stream().noneMatch(k -> k.startsWith("127.0.0.1")), "the registry's names are not left behind");
        assertEquals(shared.remoteTag(Phase.FINAL), engine.pulls.get(0), "the newest phase is asked for first");
    }

    @Test
    void aSnapshotWhoseLabelsDoNotMatchItsTagIsNeverUsed() {
        pushedBefore(current, Phase.FILES);
        // pushed by hand under the tag of the current final hash, but built from other inputs
        engine.registry.put(shared.remoteTag(Phase.FINAL), snapshot(hashes("-forged"), Phase.FINAL));

        SharedSnapshots.Pulled pulled = shared.pullNewer(Phase.FINAL, Optional.empty(), local);

        assertEquals(Optional.of(Phase.FILES), pulled.newest());
        assertFalse(engine.local.containsKey("habitat-x:12-final"));
        assertTrue(progress.warnings.stream().anyMatch(w -> w.contains(shared.remoteTag(Phase.FINAL)) && w.contains("not used")), progress.warnings.toString());
    }

    @Test
    void anUnreachableRegistryIsWarnedAboutOnceAndTheBuildGoesOnLocally() {
        pushedBefore(current, Phase.FINAL);
        engine.unreachable = true;

        SharedSnapshots.Pulled pulled = shared.pullNewer(Phase.FINAL, Optional.empty(), local);

        assertTrue(pulled.newest().isEmpty());
        assertEquals(1, engine.pulls.size(), "no phase after the first is tried");
        assertEquals(1, progress.warnings.size());
        assertTrue(progress.warnings.get(0).contains("127.0.0.1:5000 cannot be reached") && progress.warnings.get(0).contains("building locally"));
    }

    @Test
    void refusedCredentialsFailInOneLineNamingTheRegistryAndTheServerIdNeverThePassword() {
        pushedBefore(current, Phase.FINAL);
        engine.password = "another";

        var e = assertThrows(SharedSnapshots.RegistryException.class, () -> shared.pullNewer(Phase.FINAL, Optional.empty(), local));
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("registry 127.0.0.1:5000") && e.getMessage().contains("<id>127.0.0.1:5000</id>")
                && e.getMessage().contains("unauthorized"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-pw"));

        engine.local.put("habitat-x:1-base", snapshot(current, Phase.BASE));
        assertThrows(SharedSnapshots.RegistryException.class, () -> shared.push(List.of(Phase.BASE), local));
        assertTrue(engine.registry.keySet().stream().noneMatch(k -> k.contains(":1-base-")), "nothing pushed");
    }

    @Test
    void aPushCutMidwayFailsNamingTheRegistryAndTheNextPushCompletesIt() {
        List<Phase> phases = List.of(Phase.BASE, Phase.USERS, Phase.ENV);
        phases.forEach(p -> engine.local.put("habitat-x:" + p.tagSuffix(), snapshot(current, p)));
        engine.pushesBeforeCut = 1;

        var e = assertThrows(SharedSnapshots.RegistryException.class, () -> shared.push(phases, local));
        assertTrue(e.getMessage().contains("to the registry 127.0.0.1:5000 failed") && e.getMessage().contains("pushed before it: 1-base")
                && e.getMessage().contains("local snapshots stay valid"), e.getMessage());
        assertTrue(local.valid(Phase.ENV), "the local snapshots are untouched");

        engine.pushesBeforeCut = Integer.MAX_VALUE;
        shared.push(phases, local);
        phases.forEach(p -> assertEquals(snapshot(current, p), engine.registry.get(shared.remoteTag(p))));
        assertEquals(List.of(shared.remoteTag(Phase.BASE), shared.remoteTag(Phase.USERS), shared.remoteTag(Phase.ENV)), engine.pushes,
                "what went before the cut is not sent again");
        assertTrue(progress.infos.contains("habitat: 1 snapshot(s) were in the registry 127.0.0.1:5000 already"), progress.infos.toString());
        assertTrue(engine.local.keySet().stream().noneMatch(k -> k.startsWith("127.0.0.1")));
    }

    @Test
    void aPhaseWithoutASnapshotOfItsOwnIsNotPushed() {
        // B pulled only 12-final: 1-base to 9-scripts have no local snapshot, their layers are in 12-final's
        engine.local.put("habitat-x:12-final", snapshot(current, Phase.FINAL));
        shared.push(List.of(Phase.BASE, Phase.FILES, Phase.FINAL), local);
        assertEquals(List.of(shared.remoteTag(Phase.FINAL)), engine.pushes);
    }

    @Test
    void nothingNewerInTheRegistryPullsNothing() {
        engine.local.put("habitat-x:9-scripts", snapshot(current, Phase.SCRIPTS));
        pushedBefore(current, Phase.FILES);

        SharedSnapshots.Pulled pulled = shared.pullNewer(Phase.FINAL, Optional.of(Phase.SCRIPTS), local);

        assertTrue(pulled.phases().isEmpty());
        assertEquals(List.of(shared.remoteTag(Phase.FINAL)), engine.pulls, "only phases after the local newest are asked for");
    }
}
