package dev.habitat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class CompletionsTest {
    @Test
    void theResultOrTheFailureAsTheWorkThrewIt() {
        assertEquals("ok", Completions.join(CompletableFuture.supplyAsync(() -> "ok")));
        IllegalStateException thrown = new IllegalStateException("cannot read the branches of x");
        assertSame(thrown, assertThrows(IllegalStateException.class,
                () -> Completions.join(CompletableFuture.supplyAsync(() -> { throw thrown; }))));
        AssertionError error = new AssertionError("boom");
        assertSame(error, assertThrows(AssertionError.class, () -> Completions.join(CompletableFuture.failedFuture(error))));
        Exception checked = new java.io.IOException("checked");
        assertSame(checked, assertThrows(CompletionException.class,
                () -> Completions.join(CompletableFuture.failedFuture(checked))).getCause(), "a checked one stays wrapped");
    }
}
