package dev.habitat.core.engine.session;

import dev.habitat.core.HabitatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A raw byte connection to the engine, for the one request docker-java cannot make (the session's
 * {@code Upgrade: h2c}): a unix socket, plain TCP, or TLS with the client certificate. Reading and writing
 * may happen on two threads at once.
 */
interface EngineLink {
    InputStream in();

    OutputStream out();

    String description();

    /** Closes the connection; never throws. */
    void close();

    static EngineLink connect(SessionEndpoint endpoint) throws IOException {
        String scheme = endpoint.host().getScheme();
        if ("unix".equals(scheme)) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(endpoint.host().getPath()));
            return new UnixLink(channel, endpoint.host().toString());
        }
        if ("tcp".equals(scheme) || "https".equals(scheme) || "http".equals(scheme)) {
            int port = endpoint.host().getPort() > 0 ? endpoint.host().getPort() : endpoint.tls() != null ? 2376 : 2375;
            Socket socket;
            if (endpoint.tls() != null) {
                socket = tls(endpoint.tls(), endpoint.host().getHost(), port);
            } else {
                socket = new Socket();
                socket.connect(new InetSocketAddress(endpoint.host().getHost(), port), 10_000);
            }
            socket.setTcpNoDelay(true);
            return new SocketLink(socket, endpoint.host().toString());
        }
        if ("npipe".equals(scheme)) {
            // A JDK file handle on a named pipe serializes reads and writes, and the session reads and writes at once:
            // it would hang. Untested without a Windows machine, so refused with the ways that work.
            throw HabitatException.ofEnvironment("a BuildKit session cannot go over the Windows named pipe " + endpoint.host()
                    + " yet. Ways that work: run Maven in WSL2 (the engine's unix socket there), build with "
                    + "-Dhabitat.buildMethod=docker-exec (no session needed), or expose the engine on tcp:// with TLS and set "
                    + "DOCKER_HOST, DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH.", null);
        }
        throw new IOException("cannot open a BuildKit session over " + endpoint.host() + ": only unix:// and tcp:// engines are supported");
    }

    /**
     * A TLS connection that checks the certificate names {@code host} (endpoint identification "HTTPS", as the
     * API connection through docker-java and the docker CLI do): a trusted certificate issued for another name
     * must not let that name's holder stand in for the engine.
     */
    static SSLSocket tls(SSLContext context, String host, int port) throws IOException {
        Socket plain = new Socket();
        SSLSocket tls = null;
        try {
            plain.connect(new InetSocketAddress(host, port), 10_000);
            tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters params = tls.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            BuildSession.closeQuietly(tls != null ? tls : plain);
            throw e;
        }
    }

    /** A TCP or TLS socket: its streams are independent, so the pumps may use them at once. */
    record SocketLink(Socket socket, String description) implements EngineLink {
        @Override
        public InputStream in() {
            try {
                return socket.getInputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public OutputStream out() {
            try {
                return socket.getOutputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            BuildSession.closeQuietly(socket);
        }
    }

    /**
     * A unix socket channel read and written through {@code read}/{@code write} directly: the JDK's channel
     * streams share one lock and would block the writer while a read waits.
     */
    record UnixLink(SocketChannel channel, String description, InputStream in, OutputStream out) implements EngineLink {
        UnixLink(SocketChannel channel, String description) {
            this(channel, description, new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n;
                    do {
                        n = channel.read(ByteBuffer.wrap(b, off, len));
                    } while (n == 0 && len > 0);
                    return n;
                }
            }, new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
            });
        }

        @Override
        public void close() {
            BuildSession.closeQuietly(channel);
        }
    }
}
