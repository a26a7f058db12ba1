package dev.habitat.core.engine.docker;

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
 * An engine's unix socket that answers {@code GET /version} with Docker 26's body and {@code /_ping} with OK (one
 * request per connection): enough for {@link DockerEngine#info()}. Every other request gets Docker's answer, or,
 * when made {@link #refusing}, a 500 with the body Podman 5 gave for an exec as a user it could not find.
 */
final class FakeEngineSocket implements AutoCloseable {
    private static final String VERSION = "{\"Version\":\"26.1.5\",\"ApiVersion\":\"1.45\",\"Components\":[{\"Name\":\"Engine\"}]}";
    private static final String PODMAN_VERSION = "{\"Version\":\"5.8.6\",\"ApiVersion\":\"1.44\","
            + "\"Components\":[{\"Name\":\"Podman Engine\"}]}";

    private final ServerSocketChannel server;
    private final Path path;
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.List<String> requestLines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final boolean refusing;
    private final String version;

    static final String REFUSAL = "{\"cause\":\"no matching entries in passwd file\",\"message\":\"unable to find user dev: "
            + "no matching entries in passwd file\",\"response\":500}";

    private FakeEngineSocket(ServerSocketChannel server, Path path, boolean refusing, String version) {
        this.server = server;
        this.path = path;
        this.refusing = refusing;
        this.version = version;
    }

    static FakeEngineSocket serve(Path path) throws IOException {
        return start(path, false, VERSION);
    }

    /** An engine that answers every request but the version and ping with HTTP 500. */
    static FakeEngineSocket refusing(Path path) throws IOException {
        return start(path, true, VERSION);
    }

    /** As {@link #refusing}, an engine that says it is Podman 5.8 (its build containers are created through libpod). */
    static FakeEngineSocket refusingAsPodman(Path path) throws IOException {
        return start(path, true, PODMAN_VERSION);
    }

    private static FakeEngineSocket start(Path path, boolean refusing, String version) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        FakeEngineSocket fake = new FakeEngineSocket(server, path, refusing, version);
        Thread t = new Thread(fake::acceptLoop, "fake-engine-socket");
        t.setDaemon(true);
        t.start();
        return fake;
    }

    int requests() {
        return requests.get();
    }

    /** Each request's first line ({@code POST /containers/create?name=b1 HTTP/1.1}), in order. */
    java.util.List<String> requestLines() {
        return java.util.List.copyOf(requestLines);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(1 << 20);
                String head = "";
                while (!head.contains("\r\n\r\n") && c.read(in) > 0) {
                    head = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
                }
                // the body too, so the client is never cut off while it sends one
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
                int headEnd = head.indexOf("\r\n\r\n") + 4;
                long want = length.find() ? Long.parseLong(length.group(1)) : 0;
                while (in.position() - headEnd < want) {
                    if (!in.hasRemaining()) {
                        in.clear();
                        want -= in.capacity() - headEnd;
                        headEnd = 0;
                    }
                    if (c.read(in) < 0) {
                        break;
                    }
                }
                requests.incrementAndGet();
                String requestLine = head.lines().findFirst().orElse("");
                requestLines.add(requestLine);
                boolean known = requestLine.contains(" /version ") || requestLine.matches("\\S+ (/v[0-9.]+)?/version .*")
                        || requestLine.contains("/_ping");
                int status = refusing && !known ? 500 : 200;
                byte[] body = (status == 500 ? REFUSAL : requestLine.contains("/_ping") ? "OK" : version).getBytes(StandardCharsets.UTF_8);
                c.write(ByteBuffer.wrap(("HTTP/1.1 " + status + (status == 500 ? " Internal Server Error" : " OK")
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
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
