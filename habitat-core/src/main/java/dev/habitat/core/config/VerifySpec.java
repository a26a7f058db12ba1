package dev.habitat.core.config;

/** One {@code verify-fs.required_files} path that must exist for USER. */
public record VerifySpec(String path, Origin origin) {}
