package dev.habitat.core.engine.docker;

import com.github.dockerjava.transport.SSLConfig;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS setting of an engine reached through a unix socket or a named pipe (never a tcp address: docker-java speaks
 * HTTPS to a tcp engine whenever it is given a context). docker-java's HTTP client
 * always registers a TLS strategy; given no context it makes the JDK's default one, which loads the trust store and
 * every cipher suite (0.1-0.2 s of every goal's start) for a connection that never speaks TLS. This context is made
 * without the JDK's TLS provider and refuses to be used: a TLS handshake through it fails, it never connects
 * unverified.
 */
final class NoTls {
    private NoTls() {
    }

    static final SSLConfig CONFIG = () -> new RefusingContext();

    private static final class RefusingContext extends SSLContext {
        RefusingContext() {
            super(new Refusing(), new Provider("habitat-no-tls", "1", "no TLS: the engine is reached without it") {
            }, "none");
        }
    }

    private static final class Refusing extends SSLContextSpi {
        private static IllegalStateException refused() {
            return new IllegalStateException("this engine address has no TLS settings (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
            throw refused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }
    }
}
