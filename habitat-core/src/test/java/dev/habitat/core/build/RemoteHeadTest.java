package dev.habitat.core.build;

import dev.habitat.core.secrets.Secrets;
import dev.habitat.core.HabitatException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.habitat.core.Fixture;
import dev.habitat.core.RecordingProgress;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.config.Layer;
import dev.habitat.core.config.Location;
import dev.habitat.core.config.Origin;
import dev.habitat.core.config.RepoSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remote heads over git's "dumb" HTTP protocol: a static file server in front of a bare repository. */
class RemoteHeadTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private String main;
    private String feature;

    @BeforeEach
    void serveABareRepositoryAsStaticFiles() throws Exception {
        Path work = dir.resolve("work");
        git(dir, "init", "-q", "-b", "main", work.toString());
        Files.writeString(work.resolve("README"), "v1\n");
        git(work, "add", "README");
        git(work, "-c", "user.email=t@h.test", "-c", "user.name=t", "commit", "-q", "-m", "one");
        main = git(work, "rev-parse", "HEAD");
        git(work, "checkout", "-q", "-b", "feature");
        Files.writeString(work.resolve("README"), "v2\n");
        git(work, "-c", "user.email=t@h.test", "-c", "user.name=t", "commit", "-q", "-am", "two");
        feature = git(work, "rev-parse", "HEAD");
        git(work, "checkout", "-q", "main");
        Path bare = dir.resolve("www/repo.git");
        git(dir, "clone", "-q", "--bare", work.toString(), bare.toString());
        git(bare, "update-server-info"); // info/refs: what a dumb client reads
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Path root = dir.resolve("www");
        server.createContext("/", ex -> {
            Path file = root.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                ex.sendResponseHeaders(404, -1);
            } else {
                byte[] body = Files.readAllBytes(file);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/repo.git";
    }

    private static RepoSpec repo(String url, String branch) {
        return new RepoSpec(url, "/workspace/r", branch, true, null, null, null, new Origin(Layer.HABITAT, new Location(Path.of("config.yaml"), 3, 5), "repos[0]"));
    }

    @Test
    void readsTheDefaultBranchAndANamedBranchFromAStaticServer() {
        assertEquals(main, ExternalInputResolver.remoteHead(repo(url(), null), Secrets.none()));
        assertEquals(feature, ExternalInputResolver.remoteHead(repo(url(), "feature"), Secrets.none()));
    }

    @Test
    void aMissingBranchIsNamed() {
        HabitatException e = assertThrows(HabitatException.class,
                () -> ExternalInputResolver.remoteHead(repo(url(), "nope"), Secrets.none()));
        assertEquals(HabitatException.Kind.HABITAT, e.kind(), "the config names a branch that is not there");
        assertTrue(e.getMessage().contains("has no branch 'nope'"), e.getMessage());
    }

    @Test
    void headsAskedBeforeTheEngineAnsweredServeEveryResolveOfTheSameRepos() throws Exception {
        HabitatConfig config = configWithRepo("");
        ExternalInputResolver early = ExternalInputResolver.askingRemotesNow(config, Secrets.none());
        FakeEngine engine = new FakeEngine();
        assertEquals(List.of(Optional.of(main)), early.resolve(config, engine, new RecordingProgress(), Secrets.none()).repoRevisions());

        // the branch moves on: the build's resolves (one per platform) keep the commit asked at its start
        Path work = dir.resolve("work");
        Files.writeString(work.resolve("README"), "v3\n");
        git(work, "-c", "user.email=t@h.test", "-c", "user.name=t", "commit", "-q", "-am", "three");
        git(dir.resolve("www/repo.git"), "fetch", "-q", work.toString(), "main:main");
        git(dir.resolve("www/repo.git"), "update-server-info");
        String moved = git(work, "rev-parse", "HEAD");
        assertEquals(List.of(Optional.of(main)), early.resolve(config, engine, new RecordingProgress(), Secrets.none()).repoRevisions(),
                "asked once, at the start of the build");

        // another config's repos are asked when resolved; so is every resolve of a resolver that asked nothing early
        HabitatConfig other = configWithRepo("    branch: main\n");
        assertEquals(List.of(Optional.of(moved)), early.resolve(other, engine, new RecordingProgress(), Secrets.none()).repoRevisions());
        assertEquals(List.of(Optional.of(moved)),
                new ExternalInputResolver().resolve(config, engine, new RecordingProgress(), Secrets.none()).repoRevisions());
    }

    /** A habitat with this test's repository, its entry ending with {@code more}. */
    private HabitatConfig configWithRepo(String more) {
        return new Fixture(dir.resolve("habitat-" + more.length())).write("habitat/config.yaml", """
                name: heads
                base_image: debian:bookworm
                env:
                  - USER=dev
                  - WORKDIR=/workspace
                repos:
                  - url: %s
                    path: /workspace/r
                %s""".formatted(url(), more)).load();
    }

    private static String git(Path in, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(in.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
