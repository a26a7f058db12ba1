package dev.habitat.core.engine.session;

import dev.habitat.core.engine.ContextTransfer;
import dev.habitat.core.engine.SyncPatterns;
import dev.habitat.core.engine.SyncedDir;
import dev.habitat.core.engine.proto.ProtoWire;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves {@code moby.filesync.v1.FileSync/DiffCopy}: the engine pulls a build's local sources (the context,
 * the Dockerfile) through the session, as current Docker clients send them.
 *
 * <p>The stream carries fsutil {@code Packet}s both ways. We send a STAT per entry in walk order and an
 * empty STAT to end the listing; the engine compares it with what it kept from the last build under the
 * session's shared key and sends a REQ (the entry's index) for each file it lacks; each answer is DATA
 * chunks and an empty DATA. A FIN from the engine is answered with FIN and the end of our side. The engine
 * names the directory and its filters in the call's metadata ({@code dir-name}, {@code include-patterns},
 * {@code exclude-patterns}, {@code followpaths}).
 */
final class FileSyncService {
    static final String DIFF_COPY = "/moby.filesync.v1.FileSync/DiffCopy";

    static final int STAT = 0;
    static final int REQ = 1;
    static final int DATA = 2;
    static final int FIN = 3;
    static final int ERR = 4;
    private static final int CHUNK = 32 * 1024;

    private static final Context.Key<Metadata> HEADERS = Context.key("habitat-filesync-headers");

    private FileSyncService() {
    }

    /** What one session sent: for the log, the report and the benchmark. */
    static final class Counters {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong files = new AtomicLong();
        final AtomicLong fileBytes = new AtomicLong();
        final AtomicLong listed = new AtomicLong();

        ContextTransfer snapshot() {
            return new ContextTransfer(ContextTransfer.Route.SESSION, bytes.get(), files.get(), fileBytes.get(), listed.get());
        }
    }

    static ServerServiceDefinition definition(Map<String, SyncedDir> dirs, Counters counters) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                .setFullMethodName(DIFF_COPY.substring(1))
                .setRequestMarshaller(SessionServices.RAW)
                .setResponseMarshaller(SessionServices.RAW)
                .build();
        ServerServiceDefinition service = ServerServiceDefinition.builder("moby.filesync.v1.FileSync")
                .addMethod(method, ServerCalls.asyncBidiStreamingCall(out -> {
                    Metadata headers = HEADERS.get();
                    String dirName = first(headers, "dir-name");
                    SyncedDir dir = dirs.get(dirName);
                    var call = (ServerCallStreamObserver<byte[]>) out;
                    if (dir == null) {
                        call.onError(Status.NOT_FOUND.withDescription("no access allowed to dir \"" + dirName + "\"").asRuntimeException());
                        return discard();
                    }
                    SyncPatterns patterns = new SyncPatterns(all(headers, "include-patterns"), all(headers, "exclude-patterns"),
                            all(headers, "followpaths"));
                    Transfer transfer = new Transfer(dir.select(patterns), call, counters);
                    call.setOnReadyHandler(transfer::ready);
                    Thread t = new Thread(transfer::run, "habitat-filesync-" + dirName);
                    t.setDaemon(true);
                    t.start();
                    return transfer;
                }))
                .build();
        ServerInterceptor keepHeaders = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
            }
        };
        return ServerInterceptors.intercept(service, keepHeaders);
    }

    /**
     * One DiffCopy call: sends the listing, then answers the engine's requests in order, from a thread of its
     * own (the gRPC event loop only queues what arrives) and only while the stream can take more.
     */
    private static final class Transfer implements StreamObserver<byte[]> {
        private static final byte[] END = new byte[0];
        private final List<SyncedDir.Entry> entries;
        private final ServerCallStreamObserver<byte[]> out;
        private final Counters counters;
        private final BlockingQueue<byte[]> incoming = new LinkedBlockingQueue<>();
        private final Object writable = new Object();

        Transfer(List<SyncedDir.Entry> entries, ServerCallStreamObserver<byte[]> out, Counters counters) {
            this.entries = entries;
            this.out = out;
            this.counters = counters;
        }

        @Override
        public void onNext(byte[] packet) {
            incoming.add(packet);
        }

        @Override
        public void onError(Throwable t) {
            incoming.add(END);
        }

        @Override
        public void onCompleted() {
            incoming.add(END);
        }

        void ready() {
            synchronized (writable) {
                writable.notifyAll();
            }
        }

        void run() {
            try {
                for (SyncedDir.Entry e : entries) {
                    send(new ProtoWire.Writer().message(2, stat(e)).toBytes());
                }
                counters.listed.addAndGet(entries.size());
                send(END); // an empty STAT ends the listing
                while (true) {
                    byte[] packet = incoming.take();
                    if (packet == END) {
                        return; // the engine went away
                    }
                    Packet p = Packet.decode(packet);
                    switch (p.type()) {
                        case REQ -> sendFile(p.id());
                        case FIN -> {
                            send(new ProtoWire.Writer().varint(1, FIN).toBytes());
                            out.onCompleted();
                            return;
                        }
                        case ERR -> {
                            out.onCompleted();
                            return;
                        }
                        default -> {
                            // nothing else is meant for a sender
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.onError(Status.CANCELLED.asRuntimeException());
            } catch (IOException | RuntimeException e) {
                try {
                    send(new ProtoWire.Writer().varint(1, ERR).string(4, String.valueOf(e.getMessage())).toBytes());
                    out.onCompleted();
                } catch (RuntimeException | InterruptedException ignored) {
                    // the stream is gone already
                }
            }
        }

        private void sendFile(long id) throws IOException, InterruptedException {
            if (id < 0 || id >= entries.size() || entries.get((int) id).kind() != SyncedDir.Kind.FILE) {
                throw new IOException("invalid file id " + id);
            }
            SyncedDir.Entry e = entries.get((int) id);
            byte[] buffer = new byte[CHUNK];
            long sent = 0;
            try (InputStream in = e.open()) {
                int n;
                while ((n = in.readNBytes(buffer, 0, CHUNK)) > 0) {
                    send(new ProtoWire.Writer().varint(1, DATA).varint(3, id).bytes(4, Arrays.copyOf(buffer, n)).toBytes());
                    sent += n;
                }
            }
            send(new ProtoWire.Writer().varint(1, DATA).varint(3, id).toBytes());
            counters.files.incrementAndGet();
            counters.fileBytes.addAndGet(sent);
        }

        private void send(byte[] packet) throws InterruptedException {
            synchronized (writable) {
                while (!out.isReady() && !out.isCancelled()) {
                    writable.wait(100);
                }
            }
            if (out.isCancelled()) {
                throw new IllegalStateException("the engine cancelled the transfer");
            }
            out.onNext(packet);
            counters.bytes.addAndGet(packet.length);
        }
    }

    /** fsutil {@code Stat}: path=1, mode=2, uid=3, gid=4, size=5, modTime=6, linkname=7 (uid and gid 0: root). */
    static ProtoWire.Writer stat(SyncedDir.Entry e) {
        ProtoWire.Writer w = new ProtoWire.Writer().string(1, e.path()).varint(2, e.goMode());
        if (e.kind() == SyncedDir.Kind.FILE && e.size() > 0) {
            w.varint(5, e.size());
        }
        if (e.modTimeNanos() != 0) {
            w.varint(6, e.modTimeNanos());
        }
        if (e.linkTarget() != null) {
            w.string(7, e.linkTarget());
        }
        return w;
    }

    /** The fields of an fsutil {@code Packet} a sender reads: type=1, ID=3. */
    record Packet(int type, long id) {
        static Packet decode(byte[] message) {
            ProtoWire.Reader r = new ProtoWire.Reader(message, 0, message.length);
            int type = STAT;
            long id = 0;
            while (r.more()) {
                long key = r.varint();
                int wire = (int) (key & 7);
                int field = (int) (key >>> 3);
                if (field == 1 && wire == 0) {
                    type = (int) r.varint();
                } else if (field == 3 && wire == 0) {
                    id = r.varint();
                } else {
                    r.skip(wire);
                }
            }
            return new Packet(type, id);
        }
    }

    private static StreamObserver<byte[]> discard() {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    private static String first(Metadata headers, String key) {
        List<String> values = all(headers, key);
        return values.isEmpty() ? "" : values.get(0);
    }

    private static List<String> all(Metadata headers, String key) {
        if (headers == null) {
            return List.of();
        }
        Iterable<String> values = headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        values.forEach(out::add);
        return out;
    }
}
