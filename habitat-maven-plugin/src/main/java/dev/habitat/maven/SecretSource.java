package dev.habitat.maven;

/**
 * Where the value of one secret comes from, in the plugin configuration:
 * {@code <secret><id>git-token</id><env>GIT_TOKEN</env></secret>} or {@code <file>}. Exactly one of env
 * and file. {@code username} goes with a repository's token (git's default when absent).
 */
public class SecretSource {
    private String id;
    private String env;
    private String file;
    private String username;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getEnv() {
        return env;
    }

    public void setEnv(String env) {
        this.env = env;
    }

    public String getFile() {
        return file;
    }

    public void setFile(String file) {
        this.file = file;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }
}
