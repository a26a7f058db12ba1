package dev.habitat.core.build;

import dev.habitat.core.Completions;
import dev.habitat.core.config.RepoSpec;
import dev.habitat.core.secrets.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The remote head commit of each repo, asked from the moment this is made, a few at a time on threads of their own:
 * a goal can start asking as soon as the config is planned, while the engine's client is still being made, so a no-op
 * build waits for the slowest remote or the engine, not for both one after the other. One server is never handed more
 * connections at once than an ssh daemon accepts by default.
 */
public final class RemoteHeads {
    private static final int REMOTES_AT_ONCE = 4;

    private final List<RepoSpec> repos;
    private final List<CompletableFuture<String>> heads;

    private RemoteHeads(List<RepoSpec> repos, List<CompletableFuture<String>> heads) {
        this.repos = repos;
        this.heads = heads;
    }

    /** Starts asking each repo's remote (with its secret) for the commit its branch points to. */
    public static RemoteHeads ask(List<RepoSpec> repos, Secrets secrets) {
        if (repos.isEmpty()) {
            return new RemoteHeads(List.of(), List.of());
        }
        ExecutorService askers = Executors.newFixedThreadPool(Math.min(repos.size(), REMOTES_AT_ONCE), r -> {
            Thread t = new Thread(r, "habitat-remote-head");
            t.setDaemon(true);
            return t;
        });
        List<CompletableFuture<String>> heads = new ArrayList<>();
        for (RepoSpec r : repos) {
            heads.add(CompletableFuture.supplyAsync(() -> ExternalInputResolver.remoteHead(r, secrets), askers));
        }
        // the threads end with the last answer, whether or not anyone waits for it
        CompletableFuture.allOf(heads.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> askers.shutdown());
        return new RemoteHeads(List.copyOf(repos), List.copyOf(heads));
    }

    /** Whether these are the heads of exactly {@code wanted} (same URLs, branches and secrets, in order). */
    boolean answer(List<RepoSpec> wanted) {
        return repos.equals(wanted);
    }

    /** Each repo's head commit in the repos' order; the first failure as the remote's own exception. */
    List<String> join() {
        List<String> out = new ArrayList<>();
        for (var head : heads) {
            out.add(Completions.join(head));
        }
        return out;
    }
}
