package dev.habitat.core.config;

/** A {@code tests[]} entry: a script path relative to its layer's directory inside the image. */
public record TestSpec(String path, Origin origin) {}
