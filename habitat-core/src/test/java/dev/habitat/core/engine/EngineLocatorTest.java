package dev.habitat.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        var c = candidates(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), null);
        assertEquals(List.of("unix:///var/run/docker.sock", "unix:///run/user/1000/docker.sock",
                "unix:///run/podman/podman.sock", "unix:///run/user/1000/podman/podman.sock"),
                c.stream().map(EngineAddress::host).toList());
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
