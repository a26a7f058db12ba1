package dev.habitat.core.engine.docker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class NoTlsTest {
    @Test
    void theContextOfAnEngineWithoutTlsRefusesEveryTlsUse() throws Exception {
        SSLContext context = NoTls.CONFIG.getSSLContext();
        IllegalStateException e = assertThrows(IllegalStateException.class, context::createSSLEngine);
        assertTrue(e.getMessage().contains("no TLS settings"), e.getMessage());
        assertThrows(IllegalStateException.class, context::getSocketFactory, "never a socket that connects unverified");
        assertThrows(IllegalStateException.class, () -> context.init(null, null, null));
    }

    @Test
    void anEngineWithoutTlsIsConnectedWithoutTheJdksTlsProvider() {
        DockerEngine engine = DockerEngine.connect(new dev.habitat.core.engine.EngineAddress("unix:///nonexistent/docker.sock", null, "a test"));
        try (engine) {
            assertTrue(engine.host().equals("unix:///nonexistent/docker.sock"), engine.host());
        }
    }
}
