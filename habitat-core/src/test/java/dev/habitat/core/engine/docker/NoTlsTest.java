package dev.habitat.core.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.habitat.core.engine.EngineAddress;
import dev.habitat.core.engine.EngineInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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

    /** tcp://localhost:2375 (Docker Desktop's "expose the daemon without TLS"): plain HTTP, never the refusing context. */
    @Test
    void aPlainTcpEngineIsSpokenToInHttp() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "{\"Version\":\"28.5.2\",\"ApiVersion\":\"1.51\",\"Os\":\"linux\",\"Arch\":\"amd64\",\"Components\":[{\"Name\":\"Engine\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        String host = "tcp://127.0.0.1:" + server.getAddress().getPort();
        try (DockerEngine engine = DockerEngine.connect(new EngineAddress(host, null, "a test"))) {
            EngineInfo info = engine.info();
            assertEquals("28.5.2", info.version());
        } finally {
            server.stop(0);
        }
    }
}
