package dev.habitat.core.method;

import dev.habitat.core.engine.ContextTransfer;

/** Adds up what the build requests of one habitat build sent as context, for the report and the benchmark. */
public final class ContextTally {
    private ContextTransfer total;

    public synchronized void add(ContextTransfer transfer) {
        total = total == null ? transfer : total.plus(transfer);
    }

    /** The sum, or null when no request sent a context (docker-exec, an up-to-date habitat). */
    public synchronized ContextTransfer total() {
        return total;
    }
}
