package dev.habitat.core.engine;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A BuildKit session opened from Java: the engine pulls the build context and the Dockerfile through it
 * (FileSync) and asks it for secrets ({@code RUN --mount=type=secret}).
 *
 * <p>The engine's {@code POST /session} is hijacked with {@code Upgrade: h2c} (over a unix socket, plain TCP
 * or TLS); after {@code 101} the daemon is the gRPC client on that connection and we are the server. A
 * grpc-java server listening on a unix socket in a private (0700) directory serves Health, Secrets and
 * FileSync, and two threads pump bytes between the engine connection and that socket (docker-java's
 * transport cannot hijack with h2c). Nothing listens on a network port, so no other local user can ask for
 * a secret or a file. Pass {@link #id()} as the build's {@code session}; {@link #close()} ends the session
 * (the daemon drops it when the connection closes).
 *
 * <p>The shared key names the engine's cache of the directories sent before: give the same key to every
 * build of one habitat, and a build sends only the files that changed since the last one.
 */
public final class BuildSession implements EngineSession {
    private static final int BUFFER = 64 * 1024;

    private final String id;
    private final Path directory;
    private final Server server;
    private final EventLoopGroup loop;
    private final EngineLink engine;
    private final SocketChannel local;
    private final FileSyncService.Counters sent;

    private BuildSession(String id, Path directory, Server server, EventLoopGroup loop, EngineLink engine, SocketChannel local,
                         FileSyncService.Counters sent) {
        this.id = id;
        this.directory = directory;
        this.server = server;
        this.loop = loop;
        this.engine = engine;
        this.local = local;
        this.sent = sent;
    }

    /**
     * Opens a session on the engine at {@code endpoint} serving {@code secrets} (id to value, null when
     * unknown: the daemon then gets NOT_FOUND) and the directories {@code dirs} by name.
     *
     * @param sharedKey names the engine's cache of earlier transfers of these directories
     */
    public static BuildSession open(SessionEndpoint endpoint, String name, String sharedKey, Function<String, byte[]> secrets,
                                    Map<String, SyncedDir> dirs) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("a BuildKit session needs Linux epoll, which is not available here: "
                    + Epoll.unavailabilityCause());
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        Path dir = null;
        Server server = null;
        EventLoopGroup loop = null;
        EngineLink engine = null;
        SocketChannel local = null;
        FileSyncService.Counters sent = new FileSyncService.Counters();
        try {
            dir = Files.createTempDirectory("habitat-session-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path socket = dir.resolve("grpc.sock");
            loop = new EpollEventLoopGroup(1, (ThreadFactory) r -> daemon(r, "habitat-session-grpc"));
            List<String> methods = new ArrayList<>(List.of(SessionServices.HEALTH_CHECK, SessionServices.GET_SECRET));
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(loop).workerEventLoopGroup(loop)
                    .directExecutor()
                    // grpc-java sets TCP keep-alive on every child channel; a unix socket has none (and netty warns)
                    .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                    .addService(SessionServices.health())
                    .addService(SessionServices.secrets(secrets));
            if (!dirs.isEmpty()) {
                builder.addService(FileSyncService.definition(Map.copyOf(dirs), sent));
                methods.add(FileSyncService.DIFF_COPY);
            }
            server = builder.build().start();
            engine = EngineLink.connect(endpoint);
            upgrade(engine, id, name, sharedKey, methods);
            local = SocketChannel.open(StandardProtocolFamily.UNIX);
            local.connect(UnixDomainSocketAddress.of(socket));
            BuildSession session = new BuildSession(id, dir, server, loop, engine, local, sent);
            pumpIn(engine, local);
            pumpOut(local, engine);
            return session;
        } catch (IOException | RuntimeException e) {
            if (engine != null) {
                engine.close();
            }
            closeQuietly(local);
            if (server != null) {
                server.shutdownNow();
            }
            if (loop != null) {
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            deleteQuietly(dir);
            if (e instanceof SessionRefusedException refused) {
                throw refused;
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open a BuildKit session with the engine at " + endpoint.host() + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** The session's stable shared key for a habitat whose context is staged in {@code contextDirectory}. */
    public static String sharedKey(String habitat, Path contextDirectory) {
        byte[] digest = SyncedDir.sha256().digest((habitat + "\0" + contextDirectory.toAbsolutePath().normalize()).getBytes(StandardCharsets.UTF_8));
        return "habitat-" + HexFormat.of().formatHex(digest, 0, 16);
    }

    @Override
    public ContextTransfer transferred() {
        return sent.snapshot();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void close() {
        engine.close();
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

    /** The HTTP/1.1 request that turns the connection into the session; reads exactly the response head. */
    private static void upgrade(EngineLink link, String id, String name, String sharedKey, List<String> methods) throws IOException {
        StringBuilder request = new StringBuilder("POST /session HTTP/1.1\r\nHost: docker\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n")
                .append("Content-Length: 0\r\n")
                .append("X-Docker-Expose-Session-Uuid: ").append(id).append("\r\n")
                .append("X-Docker-Expose-Session-Name: ").append(name.replaceAll("[^A-Za-z0-9._-]", "_")).append("\r\n")
                .append("X-Docker-Expose-Session-Sharedkey: ").append(sharedKey).append("\r\n");
        // one header per method: the engine does not split a comma-joined list
        for (String method : methods) {
            request.append("X-Docker-Expose-Session-Grpc-Method: ").append(method).append("\r\n");
        }
        request.append("\r\n");
        link.out().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        link.out().flush();
        // Byte by byte up to the blank line: what follows belongs to HTTP/2 and must reach the gRPC server.
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = link.in().read();
            if (b < 0) {
                throw new IOException("the engine closed the connection during the session upgrade: " + head.toString().trim());
            }
            head.append((char) b);
            if (head.length() > 16 * 1024) {
                throw new IOException("no end of the engine's response to POST /session");
            }
        }
        String status = head.substring(0, head.indexOf("\r\n"));
        if (!status.contains(" 101 ")) {
            throw new SessionRefusedException("the engine at " + link.description() + " refused a BuildKit session: " + status);
        }
    }

    /** Engine to gRPC server, until either side closes; then closes both, which ends the session. */
    private static void pumpIn(EngineLink from, SocketChannel to) {
        daemon(() -> {
            byte[] buffer = new byte[BUFFER];
            try {
                int n;
                while ((n = from.in().read(buffer)) >= 0) {
                    ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                    while (b.hasRemaining()) {
                        to.write(b);
                    }
                }
            } catch (IOException closed) {
                // the other pump or close() closed a side
            } finally {
                from.close();
                closeQuietly(to);
            }
        }, "habitat-session-in").start();
    }

    /** gRPC server to engine. */
    private static void pumpOut(SocketChannel from, EngineLink to) {
        daemon(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            try {
                while (from.read(buffer) >= 0) {
                    to.out().write(buffer.array(), 0, buffer.position());
                    to.out().flush();
                    buffer.clear();
                }
            } catch (IOException closed) {
                // the other pump or close() closed a side
            } finally {
                closeQuietly(from);
                to.close();
            }
        }, "habitat-session-out").start();
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static void closeQuietly(Closeable c) {
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
