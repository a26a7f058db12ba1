package dev.habitat.core.engine.session;

import dev.habitat.core.engine.proto.ProtoWire;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * The two gRPC services a BuildKit session needs for secrets, with their messages encoded by hand through
 * {@link ProtoWire} (each is one or two fields, so no protobuf runtime or generated code): {@code grpc.health.v1.Health/Check} and
 * {@code moby.buildkit.secrets.v1.Secrets/GetSecret}.
 */
final class SessionServices {
    static final String HEALTH_CHECK = "/grpc.health.v1.Health/Check";
    static final String GET_SECRET = "/moby.buildkit.secrets.v1.Secrets/GetSecret";

    /** HealthCheckResponse{status: SERVING}: field 1, varint 1. */
    private static final byte[] SERVING = {0x08, 0x01};

    private SessionServices() {
    }

    static ServerServiceDefinition health() {
        return ServerServiceDefinition.builder("grpc.health.v1.Health")
                .addMethod(unary(HEALTH_CHECK), ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(SERVING);
                    response.onCompleted();
                }))
                .build();
    }

    static ServerServiceDefinition secrets(Function<String, byte[]> values) {
        return ServerServiceDefinition.builder("moby.buildkit.secrets.v1.Secrets")
                .addMethod(unary(GET_SECRET), ServerCalls.asyncUnaryCall((request, response) -> {
                    String id = secretId(request);
                    byte[] value = id == null ? null : values.apply(id);
                    if (value == null) {
                        // BuildKit maps NOT_FOUND to "secret not found" (an optional mount is then left out)
                        response.onError(Status.NOT_FOUND.withDescription("secret " + id + " not found").asRuntimeException());
                        return;
                    }
                    response.onNext(bytesField(1, value));
                    response.onCompleted();
                }))
                .build();
    }

    private static MethodDescriptor<byte[], byte[]> unary(String fullPath) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullPath.substring(1))
                .setRequestMarshaller(RAW)
                .setResponseMarshaller(RAW)
                .build();
    }

    static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** GetSecretRequest{string ID = 1; map annotations = 2}: the ID, or null when absent or malformed. */
    static String secretId(byte[] message) {
        ProtoWire.Reader r = new ProtoWire.Reader(message, 0, message.length);
        try {
            while (r.more()) {
                long key = r.varint();
                int type = (int) (key & 7);
                if (key >>> 3 == 1 && type == 2) {
                    return r.string(type);
                }
                r.skip(type);
            }
        } catch (IllegalArgumentException malformed) {
            return null;
        }
        return null;
    }

    /** A message with one length-delimited field: GetSecretResponse{bytes data = 1}. */
    static byte[] bytesField(int field, byte[] value) {
        return new ProtoWire.Writer().bytes(field, value).toBytes();
    }
}
