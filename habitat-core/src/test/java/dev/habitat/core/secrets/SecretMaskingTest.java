package dev.habitat.core.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.habitat.core.engine.EngineUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SecretMaskingTest {
    private static final UnaryOperator<String> MASK = s -> s.replace("s3cr3t-token", "****");

    private static String everything(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append('\n');
        }
        return b.toString();
    }

    @Test
    void anyFailureTypeLeavesWithoutTheSecretInItOrItsCausesAndKeepsItsKindAndStack() {
        IOException io = new IOException("write to https://u:s3cr3t-token@git.example failed");
        UncheckedIOException unchecked = new UncheckedIOException("stream broke: s3cr3t-token", io);
        RuntimeException masked = SecretMasking.masked(unchecked, MASK);
        assertInstanceOf(UncheckedIOException.class, masked);
        assertFalse(everything(masked).contains("s3cr3t-token"), everything(masked));
        assertTrue(everything(masked).contains("java.io.IOException: write to https://u:****@git.example failed"), everything(masked));
        assertArrayEquals(unchecked.getStackTrace(), masked.getStackTrace());

        EngineUnavailableException lost = new EngineUnavailableException("lost the engine while cloning s3cr3t-token",
                new IllegalStateException("inner s3cr3t-token"));
        RuntimeException m2 = SecretMasking.masked(lost, MASK);
        assertInstanceOf(EngineUnavailableException.class, m2);
        assertEquals("lost the engine while cloning ****", m2.getMessage());
        assertFalse(everything(m2).contains("s3cr3t-token"));
    }

    @Test
    void aFailureWithoutSecretsIsPassedOnAsItIs() {
        IllegalStateException plain = new IllegalStateException("nothing to hide");
        assertSame(plain, SecretMasking.masked(plain, MASK));
    }
}
