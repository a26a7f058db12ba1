package dev.habitat.core.config;

import java.nio.file.Path;

/**
 * A {@code files[]} entry, expanded and resolved.
 *
 * @param source the host path, resolved ({@code ~/} host home, {@code ./} root, bare: the declaring file's dir)
 * @param dest   absolute container path, {@code ~} already replaced by the owner's or USER's home
 * @param owner  {@code user} or {@code user:group}, or null to keep root
 * @param mode   octal permission bits for copied files, or null for the defaults of the original tool
 * @param homeUser when {@code dest} was written with {@code ~}: the user whose home it is (found in the image
 *                 at build time; {@code dest} then holds the usual {@code /root} or {@code /home/<user>} guess)
 * @param before phase name or null; {@code after} likewise; neither means the core of the files phase
 */
public record FileSpec(String src, Path source, String dest, String owner, Integer mode, String description,
                       String before, String after, Origin origin, String homeUser) {}
