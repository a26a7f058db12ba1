package dev.habitat.core.engine.session;

import dev.habitat.core.engine.ContextTransfer;
import dev.habitat.core.engine.EngineSession;
import dev.habitat.core.engine.SessionRefusedException;
import dev.habitat.core.engine.SyncedDir;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.DefaultEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.local.LocalAddress;
import io.grpc.netty.shaded.io.netty.channel.local.LocalChannel;
import io.grpc.netty.shaded.io.netty.channel.local.LocalServerChannel;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * grpc-java server on Netty's in-JVM local transport serves Health, Secrets and FileSync, and a local channel
 * to it carries the bytes of the engine connection (docker-java's transport cannot hijack with h2c): the
 * server's bytes go to the engine on the channel's event loop, the engine's are read by one thread and
 * written into the channel. The local transport is plain Java, so a session needs no native library (no
 * epoll) and works on any JVM. Its {@link LocalAddress} is a name in this JVM's registry, not a socket or a
 * file: nothing listens on a network port or in the file system, so no other process or user can ask for a
 * secret or a file. Pass {@link #id()} as the build's {@code session}; {@link #close()} ends the session (the
 * daemon drops it when the connection closes).
 *
 * <p>The shared key names the engine's cache of the directories sent before: give the same key to every
 * build of one habitat, and a build sends only the files that changed since the last one.
 */
public final class BuildSession implements EngineSession {
    private static final int BUFFER = 64 * 1024;

    private final String id;
    private final Server server;
    private final EventLoopGroup serverLoop;
    private final EventLoopGroup pipeLoop;
    private final EngineLink engine;
    private final Channel pipe;
    private final Thread pumpIn;
    private final FileSyncService.Counters sent;

    private BuildSession(String id, Server server, EventLoopGroup serverLoop, EventLoopGroup pipeLoop, EngineLink engine, Channel pipe,
                         Thread pumpIn, FileSyncService.Counters sent) {
        this.id = id;
        this.server = server;
        this.serverLoop = serverLoop;
        this.pipeLoop = pipeLoop;
        this.engine = engine;
        this.pipe = pipe;
        this.pumpIn = pumpIn;
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
        String id = UUID.randomUUID().toString().replace("-", "");
        // the gRPC server's loop never blocks; the pipe's blocks writing to the engine, so it has its own
        EventLoopGroup serverLoop = new DefaultEventLoopGroup(1, (ThreadFactory) r -> daemon(r, "habitat-session-grpc"));
        EventLoopGroup pipeLoop = new DefaultEventLoopGroup(1, (ThreadFactory) r -> daemon(r, "habitat-session-out"));
        Server server = null;
        EngineLink engine = null;
        Channel pipe = null;
        FileSyncService.Counters sent = new FileSyncService.Counters();
        try {
            LocalAddress address = new LocalAddress("habitat-session-" + id);
            List<String> methods = new ArrayList<>(List.of(SessionServices.HEALTH_CHECK, SessionServices.GET_SECRET));
            NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                    .channelType(LocalServerChannel.class)
                    .bossEventLoopGroup(serverLoop).workerEventLoopGroup(serverLoop)
                    .directExecutor()
                    // grpc-java sets TCP keep-alive on every child channel; a local channel has none (and netty warns)
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
            pipe = connectPipe(address, pipeLoop, engine);
            return new BuildSession(id, server, serverLoop, pipeLoop, engine, pipe, pumpIn(engine, pipe), sent);
        } catch (IOException | RuntimeException e) {
            if (engine != null) {
                engine.close();
            }
            if (pipe != null) {
                pipe.close();
            }
            if (server != null) {
                server.shutdownNow();
            }
            serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            pipeLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof SessionRefusedException refused) {
                throw refused;
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open a BuildKit session with the engine at " + endpoint.host() + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
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
        pipe.close();
        server.shutdownNow();
        try {
            pumpIn.join(2000); // it writes on the pipe's loop: that loop shuts down after it
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        pipeLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
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

    /**
     * The local channel to the gRPC server that stands for the engine connection: what the server sends is
     * written to the engine as it arrives. When either side closes, both close, which ends the session.
     */
    private static Channel connectPipe(LocalAddress server, EventLoopGroup loop, EngineLink engine) throws IOException {
        var connecting = new Bootstrap().group(loop).channel(LocalChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
                        ByteBuf bytes = (ByteBuf) msg;
                        try {
                            bytes.readBytes(engine.out(), bytes.readableBytes());
                            engine.out().flush();
                        } finally {
                            ReferenceCountUtil.release(bytes);
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // the engine connection broke or was closed
                    }
                })
                .connect(server).awaitUninterruptibly();
        if (!connecting.isSuccess()) {
            throw new IOException("cannot reach the session's gRPC server: " + connecting.cause(), connecting.cause());
        }
        Channel pipe = connecting.channel();
        pipe.closeFuture().addListener(closed -> engine.close());
        return pipe;
    }

    /** Engine to gRPC server, until either side closes; then closes both, which ends the session. */
    private static Thread pumpIn(EngineLink from, Channel to) {
        Thread pump = daemon(() -> {
            byte[] buffer = new byte[BUFFER];
            try {
                int n;
                while ((n = from.in().read(buffer)) >= 0 && to.isActive()) {
                    // a copy: the server reads the buffer later, on its loop, while this one is read into again
                    to.writeAndFlush(Unpooled.copiedBuffer(buffer, 0, n)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                }
            } catch (IOException closed) {
                // the pipe's close or close() closed the engine connection
            } finally {
                from.close();
                to.close();
            }
        }, "habitat-session-in");
        pump.start();
        return pump;
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
}
