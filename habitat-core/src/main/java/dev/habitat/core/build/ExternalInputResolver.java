package dev.habitat.core.build;

import dev.habitat.core.engine.EngineImages;
import dev.habitat.core.HabitatException;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.config.RepoSpec;
import dev.habitat.core.plan.ExternalInputs;
import dev.habitat.core.plan.MachineFacts;
import dev.habitat.core.report.BuildProgress;
import dev.habitat.core.secrets.Secrets;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Finds what the config cannot say: the base image's id, each repo's remote head commit (with JGit, no
 * git binary: an upstream change rebuilds repos and nothing else), and the machine's facts (the docker socket's
 * group id), which no hash covers.
 */
public final class ExternalInputResolver {
    /** The machine's facts for an engine address (the docker socket's group); tests give their own. */
    private final Function<String, MachineFacts> machine;
    /** Heads asked before the engine answered (null: asked when resolving); used when the repos are the same. */
    private final RemoteHeads early;

    public ExternalInputResolver() {
        this(ExternalInputResolver::machineFacts, null);
    }

    ExternalInputResolver(Function<String, MachineFacts> machine) {
        this(machine, null);
    }

    private ExternalInputResolver(Function<String, MachineFacts> machine, RemoteHeads early) {
        this.machine = machine;
        this.early = early;
    }

    /**
     * A resolver that starts asking the remotes of {@code config}'s repos now, before the engine is reached: a goal
     * makes it as soon as the config is planned. Every platform of the build then gets the same commits.
     */
    public static ExternalInputResolver askingRemotesNow(HabitatConfig config, Secrets secrets) {
        return new ExternalInputResolver(ExternalInputResolver::machineFacts, RemoteHeads.ask(config.repos(), secrets));
    }

    public ExternalInputs resolve(HabitatConfig config, EngineImages engine, BuildProgress progress, Secrets secrets) {
        // the remotes are asked beside the engine's answer about the base: a no-op waits for the slower of the two
        RemoteHeads heads = early != null && early.answer(config.repos()) ? early : RemoteHeads.ask(config.repos(), secrets);
        Optional<String> baseId = baseIdentity(config, engine, progress);
        List<Optional<String>> revisions = heads.join().stream().map(Optional::of).toList();
        return new ExternalInputs(baseId, revisions, machine.apply(engine.host()), engine.platform());
    }

    private static Optional<String> baseIdentity(HabitatConfig config, EngineImages engine, BuildProgress progress) {
        Optional<String> baseId = Optional.empty();
        if (config.base().image() != null) {
            // by content, not the engine's id: the same base gives the same hashes in every image store (shared snapshots)
            baseId = engine.contentIdentity(config.base().image());
            if (baseId.isEmpty()) {
                progress.warn("base image " + config.base().image() + " is not present in the engine; the build will try to pull it");
            }
        }
        return baseId;
    }

    /**
     * The commit the repo's branch (or default branch) points to on the remote, asked with the repo's credentials.
     * The listing runs in an empty in-memory repository: JGit's dumb-HTTP transport (a static git server) needs a
     * local repository even to list refs, and nothing is fetched into it.
     */
    public static String remoteHead(RepoSpec repo, Secrets secrets) {
        Collection<Ref> refs;
        InMemoryRepository scratch = new InMemoryRepository(new DfsRepositoryDescription("habitat-ls-remote"));
        var lsRemote = Git.wrap(scratch).lsRemote().setRemote(repo.url()).setHeads(false).setTags(false).setTimeout(60);
        Secrets.Secret secret = repo.auth() == null ? null : secrets.get(repo.auth()).orElseThrow(() ->
                new Secrets.MissingSecretException("secret '" + repo.auth() + "' (used by repo " + repo.url() + ") was not given"));
        if (secret != null) {
            lsRemote.setCredentialsProvider(new UsernamePasswordCredentialsProvider(
                    secret.username() != null ? secret.username() : "git",
                    new String(secret.value(), StandardCharsets.UTF_8).strip().toCharArray()));
        }
        try (scratch) {
            refs = lsRemote.call();
        } catch (GitAPIException | RuntimeException e) {
            String why = secrets.mask(e.getMessage());
            if (secret != null) {
                throw HabitatException.ofEnvironment("cannot read the branches of " + repo.url() + " (" + repo.origin()
                        + ") with the credentials of secret '" + repo.auth() + "' (" + secret.source() + "): " + why
                        + ". Check the secret's value and that the server is reachable from this machine.", e);
            }
            throw HabitatException.ofEnvironment("cannot read the branches of " + repo.url() + " (" + repo.origin() + "): "
                    + why + ". Check the URL and that the server is reachable from this machine"
                    + " (a private repository needs auth: <secret id>).", e);
        }
        String wanted = repo.branch() == null ? "HEAD" : "refs/heads/" + repo.branch();
        for (Ref ref : refs) {
            if (ref.getName().equals(wanted) && ref.getObjectId() != null) {
                return ref.getObjectId().name();
            }
        }
        throw HabitatException.ofHabitat("repository " + repo.url() + " has no "
                + (repo.branch() == null ? "default branch (HEAD)" : "branch '" + repo.branch() + "'")
                + " (" + repo.origin() + "). Fix the branch name or push it.");
    }

    /** The facts of this machine that enter the image, for the engine at {@code host}. */
    static MachineFacts machineFacts(String host) {
        return new MachineFacts(dockerSocketGid(host));
    }

    /**
     * The group id of the engine's unix socket when it is on this machine, for the docker group in the image.
     * None for a socket of group root (Podman's rootful socket is root:root): that would put the user in root's group.
     */
    static Optional<String> dockerSocketGid(String host) {
        try {
            URI uri = URI.create(host);
            if (!"unix".equals(uri.getScheme())) {
                return Optional.empty();
            }
            Path sock = Path.of(uri.getPath());
            if (!Files.exists(sock)) {
                return Optional.empty();
            }
            int gid = (Integer) Files.getAttribute(sock, "unix:gid");
            return gid == 0 ? Optional.empty() : Optional.of(String.valueOf(gid));
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
