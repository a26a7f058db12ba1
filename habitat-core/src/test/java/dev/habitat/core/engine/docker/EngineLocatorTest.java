package dev.habitat.core.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.EngineAddress;
import dev.habitat.core.engine.EngineUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineLocatorTest {
    @TempDir
    Path home;

    private List<EngineAddress> candidates(Map<String, String> env, String explicit) {
        return new EngineLocator(env, home).candidates(explicit);
    }

    @Test
    void explicitHostWinsOverEverything() {
        var c = candidates(Map.of("DOCKER_HOST", "unix:///env.sock", "DOCKER_CONTEXT", "remote"), "tcp://10.0.0.1:2375");
        assertEquals(List.of(new EngineAddress("tcp://10.0.0.1:2375", null, "-Dhabitat.dockerHost")), c);
    }

    @Test
    void dockerHostWithTlsVerifyUsesCertPathOrTheConfigDirectory() {
        var c = candidates(Map.of("DOCKER_HOST", "tcp://build:2376", "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", "/certs"), null);
        assertEquals(List.of(new EngineAddress("tcp://build:2376", Path.of("/certs"), "DOCKER_HOST")), c);
        var noPath = candidates(Map.of("DOCKER_HOST", "tcp://build:2376", "DOCKER_TLS_VERIFY", "1"), null);
        assertEquals(home.resolve(".docker"), noPath.get(0).certPath());
        var unix = candidates(Map.of("DOCKER_HOST", "unix:///x.sock", "DOCKER_TLS_VERIFY", "1"), null);
        assertNull(unix.get(0).certPath(), "TLS applies to tcp hosts only");
        var off = candidates(Map.of("DOCKER_HOST", "tcp://build:2375", "DOCKER_TLS_VERIFY", ""), null);
        assertNull(off.get(0).certPath());
    }

    @Test
    void currentContextFromConfigJsonWithItsTlsMaterial() throws IOException {
        writeContext(home.resolve(".docker"), "builder", "tcp://builder.example:2376", true);
        Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{},\"currentContext\":\"builder\"}");
        var c = candidates(Map.of(), null);
        assertEquals(1, c.size());
        assertEquals("tcp://builder.example:2376", c.get(0).host());
        assertEquals(home.resolve(".docker/contexts/tls").resolve(EngineLocator.sha256("builder")).resolve("docker"),
                c.get(0).certPath());
        assertTrue(c.get(0).source().contains("context 'builder'"), c.get(0).source());
    }

    @Test
    void dockerContextVariableOverridesConfigJsonAndDockerConfigMovesTheDirectory() throws IOException {
        Path config = home.resolve("elsewhere");
        writeContext(config, "ssh-less", "unix:///run/other.sock", false);
        Files.writeString(config.resolve("config.json"), "{\"currentContext\":\"missing\"}");
        var c = candidates(Map.of("DOCKER_CONFIG", config.toString(), "DOCKER_CONTEXT", "ssh-less"), null);
        assertEquals(List.of(new EngineAddress("unix:///run/other.sock", null, "Docker context 'ssh-less' from DOCKER_CONTEXT")), c);
    }

    @Test
    void aMissingContextFailsNamingWhereItLooked() {
        var e = assertThrows(EngineUnavailableException.class, () -> candidates(Map.of("DOCKER_CONTEXT", "gone"), null));
        assertTrue(e.getMessage().contains("Docker context 'gone' (from DOCKER_CONTEXT) does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("docker context ls"), e.getMessage());
    }

    @Test
    void defaultContextAndNoSettingsGiveTheDefaultSocketsInOrder() throws IOException {
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{\"currentContext\":\"default\"}");
        var c = candidates(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), null).stream().map(EngineAddress::host).toList();
        assertEquals(List.of("unix:///var/run/docker.sock", "unix:///run/user/1000/docker.sock"), c.subList(0, 2));
        assertEquals(List.of("unix:///run/user/1000/podman/podman.sock", "unix:///run/podman/podman.sock"), c.subList(c.size() - 2, c.size()));
    }

    @Test
    void withNoSettingTheSocketsOfEveryCommonEngineAreTriedInOrder() {
        Path root = home.resolve("root");
        var c = new EngineLocator(Map.of("XDG_RUNTIME_DIR", "/run/user/501"), home, root, false).candidates(null);
        assertEquals(List.of(
                "unix://" + root.resolve("var/run/docker.sock") + " (default socket)",
                "unix:///run/user/501/docker.sock (rootless Docker socket)",
                "unix://" + home.resolve(".docker/run/docker.sock") + " (Docker Desktop socket (macOS))",
                "unix://" + home.resolve(".docker/desktop/docker.sock") + " (Docker Desktop socket (Linux))",
                "unix://" + home.resolve(".colima/default/docker.sock") + " (Colima socket)",
                "unix://" + home.resolve(".colima/docker.sock") + " (Colima socket (before 0.4))",
                "unix://" + home.resolve(".orbstack/run/docker.sock") + " (OrbStack socket)",
                "unix://" + home.resolve(".rd/docker.sock") + " (Rancher Desktop socket)",
                "unix:///run/user/501/podman/podman.sock (rootless Podman socket)",
                "unix://" + root.resolve("run/podman/podman.sock") + " (Podman socket)"),
                c.stream().map(EngineAddress::toString).toList());
        var windows = new EngineLocator(Map.of(), home, root, true).candidates(null);
        assertEquals(List.of("npipe:////./pipe/docker_engine", "npipe:////./pipe/podman-machine-default"),
                windows.stream().map(EngineAddress::host).toList());
    }

    @Test
    void aMacHomeWithNothingConfiguredFindsItsEngine() throws Exception {
        for (String socket : List.of(".docker/run/docker.sock", ".colima/default/docker.sock", ".orbstack/run/docker.sock")) {
            Path mac = Files.createDirectories(home.resolve(socket.replace('/', '_')));
            Path root = Files.createDirectories(mac.resolve("root")); // no /var/run/docker.sock, no /run/podman
            Path path = Files.createDirectories(mac.resolve(socket).getParent()).resolve("docker.sock");
            try (FakeEngineSocket engine = FakeEngineSocket.serve(path);
                 DockerEngine found = DockerEngine.locate(null, new EngineLocator(Map.of(), mac, root, false))) {
                assertEquals("unix://" + path, found.host());
                assertEquals("26.1.5", found.info().version());
                assertTrue(engine.requests() > 0);
            }
        }
    }

    @Test
    void theAddressesTriedAreListedOnceWithNothingRepeatedFromACause() throws Exception {
        Path root = Files.createDirectories(home.resolve("root"));
        // a socket file nobody listens on any more (an engine that stopped)
        Path stale = Files.createDirectories(home.resolve(".colima/default")).resolve("docker.sock");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(stale));
        }
        var e = assertThrows(EngineUnavailableException.class,
                () -> DockerEngine.locate(null, new EngineLocator(Map.of(), home, root, false)));
        String m = e.getMessage();
        assertTrue(m.startsWith("No Docker engine answers. Tried, in order: unix://" + root.resolve("var/run/docker.sock")
                + " (default socket): no socket there; "), m);
        assertTrue(m.contains(stale + " (Colima socket): "), m);
        assertEquals(1, m.split("Start one", -1).length - 1, "the way out once: " + m);
        assertEquals(1, m.split(java.util.regex.Pattern.quote(stale.toString()), -1).length - 1, "each address once: " + m);
        assertNull(e.getCause(), "Maven prints a cause's message again");
        assertEquals(1, e.getSuppressed().length, "the stale socket's failure is kept for -e");
    }

    @Test
    void noEngineAnywhereListsEveryAddressTriedInOrder() {
        // the default sockets of this machine may answer: the same walk over addresses where nothing listens
        var none = List.of(new EngineAddress("unix://" + home.resolve("docker.sock"), null, "default socket"),
                new EngineAddress("unix://" + home.resolve("run/docker.sock"), null, "rootless Docker socket"),
                new EngineAddress("unix://" + home.resolve("run/podman/podman.sock"), null, "Podman socket"));
        var e = assertThrows(EngineUnavailableException.class, () -> DockerEngine.firstAnswering(none));
        String m = e.getMessage();
        int rootful = m.indexOf(home.resolve("docker.sock") + " (default socket): ");
        int rootless = m.indexOf(home.resolve("run/docker.sock") + " (rootless Docker socket): ");
        int podman = m.indexOf(home.resolve("run/podman/podman.sock") + " (Podman socket): ");
        assertTrue(m.startsWith("No Docker engine answers. Tried, in order: "), m);
        assertTrue(rootful >= 0 && rootless > rootful && podman > rootless, m);
        assertTrue(m.contains("DOCKER_CONTEXT"), "says how to point to an engine: " + m);
    }

    @Test
    void aNamedEngineThatDoesNotAnswerIsNotSwappedForAnother() {
        var locator = new EngineLocator(Map.of("DOCKER_HOST", "unix://" + home.resolve("none.sock")), home);
        var e = assertThrows(EngineUnavailableException.class, () -> DockerEngine.locate(null, locator));
        assertTrue(e.getMessage().startsWith("No Docker engine answers at unix://" + home.resolve("none.sock") + " (DOCKER_HOST: "),
                e.getMessage());
    }

    @Test
    void missingClientCertificateIsNamedBeforeAnyConnection() throws IOException {
        Path certs = Files.createDirectories(home.resolve("certs"));
        Files.writeString(certs.resolve("ca.pem"), "not used");
        var locator = new EngineLocator(Map.of("DOCKER_HOST", "tcp://127.0.0.1:1", "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", certs.toString()), home);
        var e = assertThrows(EngineUnavailableException.class, () -> DockerEngine.locate(null, locator));
        assertTrue(e.getMessage().contains(certs.resolve("cert.pem") + " does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("tcp://127.0.0.1:1"), e.getMessage());
    }

    private static void writeContext(Path config, String name, String host, boolean tls) throws IOException {
        Path meta = Files.createDirectories(config.resolve("contexts/meta").resolve(EngineLocator.sha256(name)));
        Files.writeString(meta.resolve("meta.json"), "{\"Name\":\"" + name + "\",\"Metadata\":{},\"Endpoints\":{\"docker\":"
                + "{\"Host\":\"" + host + "\",\"SkipTLSVerify\":false}}}");
        if (tls) {
            Files.createDirectories(config.resolve("contexts/tls").resolve(EngineLocator.sha256(name)).resolve("docker"));
        }
    }
}
