package dev.habitat.core.engine;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A BuildKit session opened from Java, so that {@code RUN --mount=type=secret} works over the Engine API.
 *
 * <p>The engine's {@code POST /session} is hijacked with {@code Upgrade: h2c}; after {@code 101} the daemon
 * is the gRPC client on that connection and we are the server. A grpc-java server listening on a unix
 * socket in a private (0700) directory serves Health and Secrets, and two threads pump bytes between the
 * engine connection and that socket (docker-java's transport cannot hijack with h2c). Nothing listens on
 * a network port, so no other local user can ask for a secret. Pass {@link #id()} as the build's
 * {@code session}; {@link #close()} ends the session (the daemon drops it when the connection closes).
 */
public final class BuildSession implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    private final String id;
    private final Path directory;
    private final Server server;
    private final EventLoopGroup loop;
    private final SocketChannel engine;
    private final SocketChannel local;

    private BuildSession(String id, Path directory, Server server, EventLoopGroup loop, SocketChannel engine, SocketChannel local) {
        this.id = id;
        this.directory = directory;
        this.server = server;
        this.loop = loop;
        this.engine = engine;
        this.local = local;
    }

    /**
     * Opens a session on the engine at {@code dockerHost} ({@code unix://} or plain {@code tcp://}) serving
     * {@code secrets} (id to value, null when unknown: the daemon then gets NOT_FOUND).
     */
    public static BuildSession open(String dockerHost, String name, Function<String, byte[]> secrets) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("a BuildKit session (needed for secrets) needs Linux epoll, which is not available here: "
                    + Epoll.unavailabilityCause());
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        Path dir = null;
        Server server = null;
        EventLoopGroup loop = null;
        SocketChannel engine = null;
        SocketChannel local = null;
        try {
            dir = Files.createTempDirectory("habitat-session-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path socket = dir.resolve("grpc.sock");
            loop = new EpollEventLoopGroup(1, (java.util.concurrent.ThreadFactory) r -> daemon(r, "habitat-session-grpc"));
            server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(loop).workerEventLoopGroup(loop)
                    .directExecutor()
                    // grpc-java sets TCP keep-alive on every child channel; a unix socket has none (and netty warns)
                    .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                    .addService(SessionServices.health())
                    .addService(SessionServices.secrets(secrets))
                    .build().start();
            engine = connect(dockerHost);
            upgrade(engine, id, name);
            local = SocketChannel.open(StandardProtocolFamily.UNIX);
            local.connect(UnixDomainSocketAddress.of(socket));
            BuildSession session = new BuildSession(id, dir, server, loop, engine, local);
            pump(engine, local, "habitat-session-in");
            pump(local, engine, "habitat-session-out");
            return session;
        } catch (IOException | RuntimeException e) {
            closeQuietly(engine);
            closeQuietly(local);
            if (server != null) {
                server.shutdownNow();
            }
            if (loop != null) {
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            deleteQuietly(dir);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open a BuildKit session with the engine at " + dockerHost + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    public String id() {
        return id;
    }

    @Override
    public void close() {
        closeQuietly(engine);
        closeQuietly(local);
        server.shutdownNow();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        deleteQuietly(directory);
    }

    private static SocketChannel connect(String dockerHost) throws IOException {
        URI uri = URI.create(dockerHost);
        SocketAddress address;
        if ("unix".equals(uri.getScheme())) {
            address = UnixDomainSocketAddress.of(uri.getPath());
        } else if ("tcp".equals(uri.getScheme())) {
            if (System.getenv("DOCKER_TLS_VERIFY") != null && !System.getenv("DOCKER_TLS_VERIFY").isEmpty()) {
                throw new IllegalStateException("secrets need a BuildKit session, which this plugin opens over a unix socket or plain tcp:// only, "
                        + "not over TLS (" + dockerHost + "). Build on the engine's machine, or use the docker-exec method.");
            }
            address = new InetSocketAddress(uri.getHost(), uri.getPort());
        } else {
            throw new IllegalStateException("cannot open a BuildKit session over " + dockerHost + ": only unix:// and tcp:// engines are supported");
        }
        SocketChannel channel = SocketChannel.open(address);
        channel.configureBlocking(true);
        return channel;
    }

    /** The HTTP/1.1 request that turns the connection into the session; reads exactly the response head. */
    private static void upgrade(SocketChannel channel, String id, String name) throws IOException {
        StringBuilder request = new StringBuilder("POST /session HTTP/1.1\r\nHost: docker\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n")
                .append("Content-Length: 0\r\n")
                .append("X-Docker-Expose-Session-Uuid: ").append(id).append("\r\n")
                .append("X-Docker-Expose-Session-Name: ").append(name.replaceAll("[^A-Za-z0-9._-]", "_")).append("\r\n")
                .append("X-Docker-Expose-Session-Sharedkey: ").append(id).append("\r\n");
        // one header per method: the engine does not split a comma-joined list
        for (String method : List.of(SessionServices.HEALTH_CHECK, SessionServices.GET_SECRET)) {
            request.append("X-Docker-Expose-Session-Grpc-Method: ").append(method).append("\r\n");
        }
        request.append("\r\n");
        ByteBuffer out = ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        // Byte by byte up to the blank line: what follows belongs to HTTP/2 and must reach the gRPC server.
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new IOException("the engine closed the connection during the session upgrade: " + head.toString().trim());
            }
            head.append((char) one.get(0));
            if (head.length() > 16 * 1024) {
                throw new IOException("no end of the engine's response to POST /session");
            }
        }
        String status = head.substring(0, head.indexOf("\r\n"));
        if (!status.contains(" 101 ")) {
            throw new IOException("the engine refused the session: " + status);
        }
    }

    /** Copies bytes one way until either side closes; then closes both, which ends the session. */
    private static void pump(SocketChannel from, SocketChannel to, String name) {
        Thread t = daemon(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException closed) {
                // the other pump or close() closed a channel
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
        t.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(SocketChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a socket file in the temp directory
        }
    }
}
