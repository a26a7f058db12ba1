package dev.habitat.core.config;

/**
 * A {@code repos[]} entry.
 *
 * @param branch  the branch to clone, or null for the remote's default
 * @param shallow clone with {@code --depth 1} (the original's default)
 * @param owner   who owns the clone; null means USER
 * @param auth    id of the secret that holds the credentials for {@code url}, or null for an open repository
 */
public record RepoSpec(String url, String path, String branch, boolean shallow, String access, String owner,
                       String auth, Origin origin) {}
