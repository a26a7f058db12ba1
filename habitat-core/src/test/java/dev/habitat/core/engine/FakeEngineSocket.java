package dev.habitat.core.engine;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine's unix socket that answers every HTTP request with Docker 26's {@code GET /version} body (one request
 * per connection), for discovery tests: enough for {@link DockerEngine#info()}.
 */
final class FakeEngineSocket implements AutoCloseable {
    private static final String VERSION = "{\"Version\":\"26.1.5\",\"ApiVersion\":\"1.45\",\"Components\":[{\"Name\":\"Engine\"}]}";

    private final ServerSocketChannel server;
    private final Path path;
    private final AtomicInteger requests = new AtomicInteger();

    private FakeEngineSocket(ServerSocketChannel server, Path path) {
        this.server = server;
        this.path = path;
    }

    static FakeEngineSocket serve(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        FakeEngineSocket fake = new FakeEngineSocket(server, path);
        Thread t = new Thread(fake::acceptLoop, "fake-engine-socket");
        t.setDaemon(true);
        t.start();
        return fake;
    }

    int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(16384);
                StringBuilder head = new StringBuilder();
                while (!head.toString().contains("\r\n\r\n") && c.read(in) > 0) {
                    head.append(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
                    in.clear();
                }
                requests.incrementAndGet();
                byte[] body = VERSION.getBytes(StandardCharsets.UTF_8);
                c.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                c.write(ByteBuffer.wrap(body));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }
}
