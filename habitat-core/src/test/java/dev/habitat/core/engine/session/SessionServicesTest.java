package dev.habitat.core.engine.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SessionServicesTest {
    @Test
    void readsTheSecretIdOfAGetSecretRequestWithAnnotations() {
        // GetSecretRequest{ID: "git-token", annotations: {"k": "v"}} as BuildKit's daemon encodes it:
        // field 1 (len) "git-token", field 2 (len) a map entry {1: "k", 2: "v"}; annotations may come first
        byte[] entry = {0x0a, 1, 'k', 0x12, 1, 'v'};
        byte[] idField = concat(new byte[] {0x0a, 9}, "git-token".getBytes(StandardCharsets.UTF_8));
        byte[] annotations = concat(new byte[] {0x12, (byte) entry.length}, entry);
        assertEquals("git-token", SessionServices.secretId(concat(idField, annotations)));
        assertEquals("git-token", SessionServices.secretId(concat(annotations, idField)));
    }

    @Test
    void aRequestWithoutIdOrTruncatedHasNoId() {
        assertNull(SessionServices.secretId(new byte[0]));
        assertNull(SessionServices.secretId(new byte[] {0x0a, 20, 'a'}), "length beyond the message");
        assertNull(SessionServices.secretId(new byte[] {0x0d, 0, 0, 0, 0}), "fixed32 is not in this message");
    }

    @Test
    void encodesTheSecretValueAsField1WithAVarintLength() {
        byte[] value = new byte[300];
        value[299] = 7;
        byte[] encoded = SessionServices.bytesField(1, value);
        assertEquals(0x0a, encoded[0]);
        assertEquals((byte) 0xac, encoded[1], "300 = 0b10_0101100: low 7 bits with the continuation bit");
        assertEquals(0x02, encoded[2]);
        assertEquals(303, encoded.length);
        assertEquals(7, encoded[302]);
        assertArrayEquals(new byte[] {0x0a, 0}, SessionServices.bytesField(1, new byte[0]));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
