package dev.habitat.core.report;

import java.time.Instant;

/** When one stage of a phase ran in a build and whether BuildKit had all its steps cached. */
public record StageTiming(String stage, Instant start, Instant end, boolean cached) {}
