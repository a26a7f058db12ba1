package dev.habitat.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.habitat.core.build.ExternalInputResolver;
import dev.habitat.core.config.RepoSpec;
import dev.habitat.core.secrets.Secrets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered clone script, run by a real sh with real git against a "dumb" HTTP server (a bare repository's
 * files after {@code git update-server-info}, served as static files on 127.0.0.1 behind basic auth): git cannot
 * clone it shallow, so the script clones in full and says so; the token reaches git through the credential helper.
 */
class DumbHttpCloneTest {
    private static final String USER = "alice";
    private static final String TOKEN = "tok-" + Long.toHexString(Double.doubleToLongBits(Math.random()));

    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicInteger denied = new AtomicInteger();
    private final List<String> requests = new ArrayList<>();
    private String head;

    @BeforeEach
    void serveADumbRepository() throws Exception {
        Path work = dir.resolve("work");
        Path bare = dir.resolve("served/repo.git");
        git(dir, "init", "-q", "-b", "main", work.toString());
        Files.writeString(work.resolve("README.md"), "dumb content\n");
        git(work, "add", "-A");
        git(work, "-c", "user.email=t@habitat.test", "-c", "user.name=t", "commit", "-q", "-m", "one");
        Files.writeString(work.resolve("second.txt"), "two\n");
        git(work, "add", "-A");
        git(work, "-c", "user.email=t@habitat.test", "-c", "user.name=t", "commit", "-q", "-m", "two");
        head = git(work, "rev-parse", "HEAD").strip();
        git(dir, "clone", "-q", "--bare", work.toString(), bare.toString());
        git(bare, "update-server-info"); // info/refs and objects/info/packs: what a dumb client reads
        Path served = dir.resolve("served");
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                synchronized (requests) {
                    requests.add(ex.getRequestURI().toString());
                }
                if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    denied.incrementAndGet();
                    ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"dumb\"");
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                // static files only: no smart protocol (a query such as ?service=git-upload-pack is ignored)
                Path file = served.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
                if (!file.startsWith(served) || !Files.isRegularFile(file)) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = Files.readAllBytes(file);
                ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
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

    @Test
    void aShallowCloneFromADumbServerFallsBackToAFullCloneAndSaysSo() throws Exception {
        Path dest = dir.resolve("out/repo");
        Run r = clone(new RepoSpec(url(), dest.toString(), null, true, null, null, "git-token", null), "");
        assertEquals(0, r.code, r.out);
        assertEquals("dumb content\n", Files.readString(dest.resolve("README.md")));
        assertTrue(r.out.contains(StepNotice.PREFIX + url() + " is served by a dumb HTTP server, which cannot do a shallow clone:"
                + " cloning the whole history"), r.out);
        assertEquals("2", git(dest, "rev-list", "--count", "HEAD").strip(), "the whole history, not one commit");
        assertFalse(Files.exists(dest.resolve(".git/shallow")));
        assertEquals(url(), git(dest, "config", "--get", "remote.origin.url").strip(), "no credentials in the remote URL");
        assertFalse(r.out.contains(TOKEN), "the token is never printed");
        assertTrue(denied.get() > 0, "git asked without credentials first, then the helper answered");
    }

    @Test
    void theHostReadsTheRemoteHeadFromTheSameServerWithTheSecret() {
        RepoSpec repo = new RepoSpec(url(), "/workspace/r", null, true, null, null, "git-token", null);
        Secrets secrets = Secrets.of(List.of(new Secrets.Secret("git-token", TOKEN.getBytes(StandardCharsets.UTF_8), USER, "test")));
        assertEquals(head, ExternalInputResolver.remoteHead(repo, secrets), "the revision the clone is pinned to");
    }

    @Test
    void thePinnedRevisionIsCheckedOutAfterTheFullClone() throws Exception {
        Path dest = dir.resolve("out/pinned");
        String first = git(dir.resolve("work"), "rev-parse", "HEAD~1").strip();
        assertNotEquals(head, first);
        Run r = clone(new RepoSpec(url(), dest.toString(), "main", true, null, null, "git-token", null), first);
        assertEquals(0, r.code, r.out);
        assertEquals(first, git(dest, "rev-parse", "HEAD").strip());
    }

    @Test
    void anotherCloneFailureIsNotRetriedAndFailsWithGitsMessage() throws Exception {
        Path dest = dir.resolve("out/missing");
        String missing = "http://127.0.0.1:" + server.getAddress().getPort() + "/nothing-here.git";
        Run r = clone(new RepoSpec(missing, dest.toString(), null, true, null, null, "git-token", null), "");
        assertNotEquals(0, r.code, r.out);
        assertFalse(r.out.contains(StepNotice.PREFIX), "no fallback for a repository that is not there: " + r.out);
        assertTrue(r.out.contains("fatal:") && r.out.contains("habitat: cloning " + missing), r.out);
    }

    /**
     * The original's bypass habitat clones its own repository into WORKDIR, the directory every build step runs in:
     * the clone replaces the step's working directory (git cannot run in a directory that was removed).
     */
    @Test
    void aCloneIntoTheStepsWorkingDirectoryReplacesIt() throws Exception {
        Path workdir = Files.createDirectories(dir.resolve("out/workspace"));
        Files.writeString(workdir.resolve("left-by-an-earlier-phase"), "x\n");
        Run r = clone(new RepoSpec(url(), workdir.toString(), "main", true, null, null, "git-token", null), head, workdir);
        assertEquals(0, r.code, r.out);
        assertEquals("dumb content\n", Files.readString(workdir.resolve("README.md")));
        assertEquals(head, git(workdir, "rev-parse", "HEAD").strip());
        assertFalse(Files.exists(workdir.resolve("left-by-an-earlier-phase")), "the path is replaced by the clone");
    }

    private Run clone(RepoSpec repo, String revision) throws Exception {
        return clone(repo, revision, null);
    }

    /**
     * The script as both methods run it, its secrets read from a temporary directory instead of /run/secrets, in
     * {@code workdir} (the step's WORKDIR) when given.
     */
    private Run clone(RepoSpec repo, String revision, Path workdir) throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("git-token"), TOKEN + "\n");
        Files.writeString(secrets.resolve("git-token" + Operation.USERNAME_SUFFIX), USER + "\n");
        Operation.CloneRepo op = new Operation.CloneRepo(repo, "root", "HABITAT_REV_0", "demo");
        String script = StepScripts.cloneScript(op).replace(Operation.SECRETS_DIR + "/", secrets + "/");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        if (workdir != null) {
            pb.directory(workdir.toFile());
        }
        pb.environment().put("HABITAT_REV_0", revision);
        pb.environment().put("HOME", dir.toString()); // no user gitconfig of the machine running the test
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the clone ended");
        return new Run(p.exitValue(), out);
    }

    private record Run(int code, String out) {}

    private static String git(Path in, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", in.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
