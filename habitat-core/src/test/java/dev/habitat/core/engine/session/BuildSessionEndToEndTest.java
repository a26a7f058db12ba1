package dev.habitat.core.engine.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.ContextTransfer;
import dev.habitat.core.engine.SyncedDir;
import dev.habitat.core.engine.proto.ProtoWire;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real session, end to end, with no native transport: the test is the engine. It accepts the connection the
 * session makes on a unix socket, answers {@code POST /session} with 101, then is the daemon: a grpc-java client
 * speaking h2c (prior knowledge) on that same connection calls Health, Secrets and FileSync.
 *
 * <p>Surefire runs habitat-core's tests with {@code io.netty.transport.noNative} and its shaded twin set (the
 * pom), as a JVM without Linux epoll would be; the first assertion checks that this is so.
 */
class BuildSessionEndToEndTest {
    private static final MethodDescriptor<byte[], byte[]> HEALTH_CHECK = unary(SessionServices.HEALTH_CHECK);
    private static final MethodDescriptor<byte[], byte[]> GET_SECRET = unary(SessionServices.GET_SECRET);

    @TempDir
    Path dir;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-engine");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void theEngineGetsHealthSecretsAndTheContextOverTheHijackedConnectionWithoutNativeTransport() throws Exception {
        assertFalse(Epoll.isAvailable(), "this test must run without native transport (see the pom's surefire settings)");

        Path context = dir.resolve("context");
        Files.createDirectories(context.resolve("files/sub"));
        byte[] big = new byte[200_000]; // several FileSync chunks and HTTP/2 frames
        new Random(3).nextBytes(big);
        Files.writeString(context.resolve("files/a.txt"), "alpha\n");
        Files.write(context.resolve("files/sub/big.bin"), big);
        Files.writeString(context.resolve("not-a-root.txt"), "left out");
        Map<String, SyncedDir> dirs = Map.of("context", SyncedDir.of("context", context, List.of("files"), Map.of()),
                "dockerfile", SyncedDir.of("dockerfile", context, List.of(), Map.of("Dockerfile", "FROM scratch\n".getBytes(StandardCharsets.UTF_8))));
        Map<String, byte[]> secrets = Map.of("token", "s3cr3t".getBytes(StandardCharsets.UTF_8));

        Path socket = dir.resolve("engine.sock");
        try (ServerSocketChannel engine = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            engine.bind(UnixDomainSocketAddress.of(socket));
            Future<BuildSession> opening = threads.submit(() -> BuildSession.open(new SessionEndpoint(URI.create("unix://" + socket), null),
                    "demo", "key-1", secrets::get, dirs));
            SocketChannel connection = accept(engine, opening);
            String head = requestHead(connection);
            connection.write(ByteBuffer.wrap("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
            BuildSession session = opening.get(10, TimeUnit.SECONDS);
            assertTrue(head.startsWith("POST /session HTTP/1.1\r\n") && head.contains("X-Docker-Expose-Session-Uuid: " + session.id() + "\r\n"), head);

            Daemon daemon = Daemon.over(connection, threads);
            try {
                assertArrayEquals(new byte[] {0x08, 0x01}, ClientCalls.blockingUnaryCall(daemon.channel(), HEALTH_CHECK, CallOptions.DEFAULT, new byte[0]),
                        "Health answers SERVING");

                byte[] value = ClientCalls.blockingUnaryCall(daemon.channel(), GET_SECRET, CallOptions.DEFAULT, secretRequest("token"));
                assertArrayEquals(SessionServices.bytesField(1, "s3cr3t".getBytes(StandardCharsets.UTF_8)), value);
                StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(daemon.channel(), GET_SECRET, CallOptions.DEFAULT, secretRequest("missing")));
                assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

                DiffCopyReceiver files = new DiffCopyReceiver(daemon.channel(), "context", Map.of());
                List<String[]> listing = files.listing();
                assertEquals(List.of("files", "files/a.txt", "files/sub", "files/sub/big.bin"), listing.stream().map(s -> s[0]).toList());
                assertEquals("200000", listing.get(3)[2]);
                assertArrayEquals("alpha\n".getBytes(StandardCharsets.UTF_8), files.request(1));
                assertArrayEquals(big, files.request(3));
                files.finish();
                DiffCopyReceiver dockerfile = new DiffCopyReceiver(daemon.channel(), "dockerfile", Map.of());
                assertEquals(List.of("Dockerfile"), dockerfile.listing().stream().map(s -> s[0]).toList());
                assertArrayEquals("FROM scratch\n".getBytes(StandardCharsets.UTF_8), dockerfile.request(0));
                dockerfile.finish();

                ContextTransfer sent = session.transferred();
                assertEquals(ContextTransfer.Route.SESSION, sent.route());
                assertEquals(3, sent.files());
                assertEquals(6 + 200_000 + 13, sent.fileBytes());
            } finally {
                session.close();
            }
            assertTrue(daemon.engineSideClosed().get(10, TimeUnit.SECONDS), "closing the session closes the engine connection");
            daemon.channel().shutdownNow();
        }
    }

    /** The session's connection; fails with the session's own error if it gave up before connecting. */
    private static SocketChannel accept(ServerSocketChannel engine, Future<BuildSession> opening) throws Exception {
        engine.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            SocketChannel accepted = engine.accept();
            if (accepted != null) {
                accepted.configureBlocking(true);
                return accepted;
            }
            if (opening.isDone()) {
                opening.get(); // throws what stopped it
                throw new AssertionError("the session opened without connecting to the engine");
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the session did not connect to the engine within 10 s");
    }

    /** The request head, byte by byte up to the blank line, as an engine reads it. */
    private static String requestHead(SocketChannel connection) throws IOException {
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (connection.read(one) < 0) {
                throw new IOException("the session closed the connection in its request: " + head);
            }
            head.append((char) one.get(0));
        }
        return head.toString();
    }

    private static byte[] secretRequest(String id) {
        return new ProtoWire.Writer().bytes(1, id.getBytes(StandardCharsets.UTF_8)).toBytes();
    }

    private static MethodDescriptor<byte[], byte[]> unary(String path) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(path.substring(1))
                .setRequestMarshaller(SessionServices.RAW).setResponseMarshaller(SessionServices.RAW).build();
    }

    /**
     * The daemon's gRPC client on the engine connection. grpc-java dials its own connections, so it dials a
     * loopback relay of this test that copies bytes both ways between that socket and the engine connection.
     *
     * @param engineSideClosed completes (true) when the session's end of the engine connection closed or reset it
     */
    private record Daemon(ManagedChannel channel, CompletableFuture<Boolean> engineSideClosed) {
        static Daemon over(SocketChannel connection, ExecutorService threads) throws IOException {
            ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            threads.submit(() -> {
                try (relay; Socket client = relay.accept(); connection) {
                    threads.submit(() -> copy(client.getInputStream(), connection));
                    OutputStream toClient = client.getOutputStream();
                    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                    while (connection.read(buffer) >= 0) {
                        toClient.write(buffer.array(), 0, buffer.position());
                        buffer.clear();
                    }
                    closed.complete(true);
                } catch (IOException reset) {
                    // a connection reset ends it too: the session closed with bytes of the daemon's still unread
                    closed.complete(true);
                }
                return null;
            });
            ManagedChannel channel = NettyChannelBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.getLocalPort()))
                    .usePlaintext().build();
            return new Daemon(channel, closed);
        }

        private static Void copy(InputStream from, SocketChannel to) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = from.read(buffer)) >= 0) {
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    to.write(b);
                }
            }
            return null;
        }
    }
}
