package dev.habitat.core.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session's own TLS connection checks the engine's name as the API connection does: a certificate the
 * client trusts but issued for another name is refused; one whose SAN names the address is accepted.
 */
class EngineLinkTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    @Test
    void aTrustedCertificateForAnotherNameIsRefused() throws Exception {
        KeyStore server = keyStore("dns:engine.other.example");
        try (SSLServerSocket listener = listen(server)) {
            CompletableFuture<String> served = serveOnce(listener);
            SessionEndpoint endpoint = new SessionEndpoint(URI.create("tcp://127.0.0.1:" + listener.getLocalPort()), trusting(server));
            SSLException e = assertThrows(SSLException.class, () -> EngineLink.connect(endpoint).close());
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            served.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCertificateWhoseSanNamesTheAddressIsAccepted() throws Exception {
        KeyStore server = keyStore("ip:127.0.0.1,dns:localhost");
        for (String host : new String[] {"127.0.0.1", "localhost"}) {
            try (SSLServerSocket listener = listen(server)) {
                CompletableFuture<String> served = serveOnce(listener);
                EngineLink link = EngineLink.connect(new SessionEndpoint(
                        URI.create("tcp://" + host + ":" + listener.getLocalPort()), trusting(server)));
                try {
                    link.out().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                    link.out().flush();
                } finally {
                    link.close(); // before waiting: the server's TLS 1.3 close waits for the client's close_notify
                }
                assertEquals("ping", served.get(30, TimeUnit.SECONDS), "the server read what the client sent over " + host);
            }
        }
    }

    /** A PKCS12 key store with one self-signed key pair whose SAN is {@code san}, made by the JDK's keytool. */
    private KeyStore keyStore(String san) throws Exception {
        Path file = dir.resolve("server-" + san.hashCode() + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "engine", "-keyalg", "EC",
                "-dname", "CN=engine", "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** A client context trusting exactly the server's certificate (as ca.pem would). */
    private static SSLContext trusting(KeyStore server) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("engine", server.getCertificate("engine"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static SSLServerSocket listen(KeyStore server) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(server, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    }

    /** Accepts one connection and returns its first line, or the failure the handshake ended with. */
    private static CompletableFuture<String> serveOnce(SSLServerSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket s = (SSLSocket) listener.accept()) {
                s.setSoTimeout(30_000);
                StringBuilder line = new StringBuilder();
                for (int c = s.getInputStream().read(); c >= 0 && c != '\n'; c = s.getInputStream().read()) {
                    line.append((char) c);
                }
                return line.toString();
            } catch (IOException e) {
                return e.toString();
            }
        });
    }
}
