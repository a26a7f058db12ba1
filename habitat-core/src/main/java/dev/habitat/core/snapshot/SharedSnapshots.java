package dev.habitat.core.snapshot;

import dev.habitat.core.HabitatException;
import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.engine.ImageInfo;
import dev.habitat.core.engine.ImageTransfer.TransferResult;
import dev.habitat.core.engine.ImageTransfer;
import dev.habitat.core.plan.PhaseHash;
import dev.habitat.core.registry.ImageReference;
import dev.habitat.core.registry.RegistryApi;
import dev.habitat.core.registry.RegistryAuth;
import dev.habitat.core.report.BuildProgress;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A habitat's snapshots in a registry. Each snapshot is pushed under a content-addressed tag,
 * {@code <registry>/habitat-<name>:<id>-<phase>-<os>-<arch>-<hash>} (the platform built for, always named, and the
 * phase hash, which covers the platform and every earlier phase), so a tag names exactly one state of the habitat on
 * one platform and is never moved; the local tags stay {@code habitat-<name>:<id>-<phase>} (with the platform when
 * the habitat lists its platforms). Each platform's snapshots are tags of their own, not one multi-platform index:
 * an index needs a name common to its platforms, and the hashes, which are the names, differ by platform. A machine
 * asks for its own platform's tags, so it pulls the variant it runs. A pulled snapshot is used only when its labels carry the hashes its tag
 * promises (schema, its phase and every earlier one): one pushed by hand under such a tag is refused.
 */
public final class SharedSnapshots {
    private final ImageTransfer engine;
    private final ImageReference repository;
    private final Map<Phase, PhaseHash> hashes;
    private final Platform platform;
    private final Platform asked;
    private final Function<String, RegistryAuth> credentials;
    private final BuildProgress progress;

    /**
     * @param registry    the repository prefix ({@code 127.0.0.1:5000/team})
     * @param platform    the platform the snapshots are of (resolved: the engine's own when none is listed)
     * @param credentials the credentials for a registry host (anonymous when there are none)
     */
    public SharedSnapshots(ImageTransfer engine, ImageReference registry, String localRepository, Map<Phase, PhaseHash> hashes,
                           Platform platform, Function<String, RegistryAuth> credentials, BuildProgress progress) {
        this(engine, registry, localRepository, hashes, platform, null, credentials, progress);
    }

    /** With {@code asked}: the platform to pull for when it is not the engine's own (null: the engine's own). */
    public SharedSnapshots(ImageTransfer engine, ImageReference registry, String localRepository, Map<Phase, PhaseHash> hashes,
                           Platform platform, Platform asked, Function<String, RegistryAuth> credentials, BuildProgress progress) {
        this.asked = asked;
        this.engine = engine;
        this.repository = registry.child(localRepository);
        this.hashes = hashes;
        this.platform = platform;
        this.credentials = credentials;
        this.progress = progress;
    }

    /** {@code 9-scripts-linux-arm64-<hash>}: the phase, the platform (in tags made since platforms entered), the hash. */
    private static final Pattern REMOTE_TAG = Pattern.compile("(\\d+-[a-z]+)(?:-[a-z0-9]+(?:-[a-z0-9]+){1,2})?-[0-9a-f]{16}");

    /** The registry tag of a phase's snapshot for the current hashes. */
    public String remoteTag(Phase p) {
        return repository.withTag(p.tagSuffix() + "-" + platform.tagPart() + "-" + hashes.get(p).hash()).name();
    }

    public String host() {
        return repository.host();
    }

    /** What a pull brought: the newest phase pulled, and every phase it holds that was not valid locally before. */
    public record Pulled(Set<Phase> phases, Optional<Phase> newest) {
        static Pulled nothing() {
            return new Pulled(Set.of(), Optional.empty());
        }
    }

    /**
     * Pulls the newest snapshot at or before {@code limit} and after {@code localNewest} that the registry has for
     * the current hashes. Only that one: it holds every earlier phase's layers, and an earlier snapshot a later build
     * needs (after a change) is pulled then, its layers already here. An unreachable registry is warned
     * about once and nothing is pulled; a registry refusing the credentials fails, naming them.
     */
    public Pulled pullNewer(Phase limit, Optional<Phase> localNewest, Snapshots local) {
        int localFloor = localNewest.map(Phase::id).orElse(0);
        RegistryAuth auth = credentials.apply(host());
        Instant t0 = Instant.now();
        long bytes = 0;
        Phase newest = null;
        for (int i = limit.ordinal(); i >= 0 && Phase.values()[i].id() > localFloor && newest == null; i--) {
            Phase p = Phase.values()[i];
            if (!p.snapshotted()) {
                continue;
            }
            TransferResult r = engine.pull(remoteTag(p), auth, asked);
            switch (r.kind()) {
                case DONE -> {
                    bytes += r.bytes();
                    if (adopt(p, local)) {
                        newest = p;
                    }
                }
                case NOT_FOUND -> progress.debug("habitat: the registry has no " + remoteTag(p));
                case UNAUTHORIZED -> throw refused(auth, r);
                case UNREACHABLE -> {
                    progress.warn("habitat: the registry " + host() + " cannot be reached (" + r.message() + "); building locally");
                    return Pulled.nothing();
                }
                default -> {
                    progress.warn("habitat: pulling " + remoteTag(p) + " failed (" + r.message() + "); building locally");
                    return Pulled.nothing();
                }
            }
        }
        if (newest == null) {
            return Pulled.nothing();
        }
        Set<Phase> pulled = EnumSet.noneOf(Phase.class);
        for (Phase p : Phase.values()) {
            if (p.id() > localFloor && p.id() <= newest.id()) {
                pulled.add(p);
            }
        }
        progress.info(String.format(Locale.ROOT, "habitat: pulled %s from %s (%.1f MB downloaded, %.1fs)", newest.tagSuffix(),
                remoteTag(newest), bytes / 1e6, Duration.between(t0, Instant.now()).toMillis() / 1000.0));
        return new Pulled(pulled, Optional.of(newest));
    }

    /**
     * Whether the local snapshot of {@code p} is the one the registry has under its tag: its id is the digest of that
     * manifest, as it is for an image the containerd image store pulled (an image built here has another). A registry
     * that cannot say (unreachable, refusing) answers true: the caller then takes the way that works either way.
     */
    public boolean pulledFromRegistry(Phase p, Snapshots local) {
        Optional<ImageInfo> image = local.image(p);
        if (image.isEmpty()) {
            return false;
        }
        TransferResult r = engine.inRegistry(remoteTag(p), credentials.apply(host()));
        return r.kind() == TransferResult.Kind.NOT_FOUND ? false : !r.ok() || image.get().id().equals(r.digest());
    }

    /** Tags a pulled snapshot locally when its labels hold the current hashes; the registry's name is removed either way. */
    private boolean adopt(Phase p, Snapshots local) {
        String remote = remoteTag(p);
        try {
            Optional<ImageInfo> image = engine.inspectImage(remote);
            if (image.isEmpty()) {
                progress.warn("habitat: " + remote + " was pulled, but the engine does not find it under that name; not used");
                return false;
            }
            Optional<String> mismatch = local.labelMismatch(image.get().labels(), p);
            if (mismatch.isPresent()) {
                progress.warn("habitat: " + remote + " does not carry the hashes its tag names (" + mismatch.get() + "); not used");
                return false;
            }
            engine.tag(remote, local.tag(p));
            local.forget(p);
            return true;
        } finally {
            engine.removeTag(remote);
        }
    }

    /**
     * Pushes the local snapshots of {@code phases} under their registry tags, in phase order. Fails at the first
     * that does not go, naming the registry; the local snapshots stay as they are, and what did go stays (a
     * registry links a tag only once all of its image's blobs are there, so no tag names a partial image).
     */
    public void push(List<Phase> phases, Snapshots local) {
        RegistryAuth auth = credentials.apply(host());
        List<String> pushed = new ArrayList<>();
        int there = 0;
        for (Phase p : phases) {
            if (local.image(p).isEmpty()) {
                continue; // no snapshot of its own here: a later one holds its layers
            }
            String remote = remoteTag(p);
            TransferResult has = engine.inRegistry(remote, auth);
            if (has.kind() == TransferResult.Kind.UNAUTHORIZED) {
                throw refused(auth, has);
            }
            if (has.ok()) {
                there++; // a tag names one state and is put only once its image is whole: nothing to send
                continue;
            }
            engine.tag(local.tag(p), remote);
            TransferResult r;
            try {
                r = engine.push(remote, auth);
            } finally {
                engine.removeTag(remote);
            }
            if (!r.ok()) {
                throw failedPush(auth, remote, r, (pushed.isEmpty() ? "" : " (pushed before it: " + String.join(", ", pushed) + ")")
                        + ". The local snapshots stay valid: run the build again once the registry answers, and it pushes the rest.");
            }
            pushed.add(p.tagSuffix());
            progress.info("habitat: pushed " + p.tagSuffix() + " -> " + remote);
        }
        if (there > 0) {
            progress.info("habitat: " + there + " snapshot(s) were in the registry " + host() + " already");
        }
    }

    /**
     * The habitat's snapshots in the registry, each with its phase and whether it is the current state's; a registry
     * that cannot be listed gives a listing that says why (the report still lists the local snapshots).
     */
    public RegistryListing list(RegistryApi api) {
        try {
            List<RegistryListing.Entry> entries = new ArrayList<>();
            for (String tag : api.tags(repository, credentials.apply(host()))) {
                Matcher m = REMOTE_TAG.matcher(tag);
                Optional<Phase> phase = m.matches() ? Phase.parse(m.group(1)).filter(p -> p.tagSuffix().equals(m.group(1)))
                        : Optional.empty();
                entries.add(new RegistryListing.Entry(tag, phase.orElse(null),
                        phase.isPresent() && hashes.containsKey(phase.get()) && remoteTag(phase.get()).endsWith(":" + tag)));
            }
            entries.sort(Comparator.comparing((RegistryListing.Entry e) -> e.phase() == null ? 99 : e.phase().id())
                    .thenComparing(RegistryListing.Entry::tag));
            return new RegistryListing(repository.name(), entries, null);
        } catch (IOException e) {
            return new RegistryListing(repository.name(), List.of(), e.getMessage());
        }
    }

    /** Why a push failed: refused credentials in their one line, else the registry, the image and the engine's words. */
    public static RegistryException failedPush(RegistryAuth auth, String ref, TransferResult r, String afterwards) {
        return r.kind() == TransferResult.Kind.UNAUTHORIZED ? refused(auth, r)
                : new RegistryException("habitat: pushing " + ref + " to the registry " + auth.host() + " failed: " + r.message() + afterwards);
    }

    /** The one line for credentials a registry refused: which registry, which credentials, where to fix them. */
    static RegistryException refused(RegistryAuth auth, TransferResult r) {
        String host = auth.host();
        String fix = auth.isAnonymous()
                ? "no credentials were found for it: add a settings.xml <server> with <id>" + host + "</id>, or run docker login " + host
                : "it refused the " + auth + ": fix the <username>/<password> of the settings.xml <server> with <id>" + host
                + "</id> (it comes before ~/.docker/config.json)";
        return new RegistryException("habitat: the registry " + host + " said " + r.message() + "; " + fix);
    }

    /** A registry refused or failed a transfer the build cannot do without. */
    public static final class RegistryException extends HabitatException {
        public RegistryException(String message) {
            super(Kind.ENVIRONMENT, message);
        }
    }
}
