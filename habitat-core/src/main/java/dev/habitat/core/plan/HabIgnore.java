package dev.habitat.core.plan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * A directory's {@code .habignore}, read with git's own rules (JGit's implementation of gitignore):
 * patterns match at any depth, {@code /} anchors, a trailing {@code /} matches directories, {@code !}
 * re-includes. The original matched top-level names only, with regex wildcards (BUG-21).
 */
public final class HabIgnore {
    public static final String FILE_NAME = ".habignore";
    private final IgnoreNode node;
    private final String text;

    private HabIgnore(IgnoreNode node, String text) {
        this.node = node;
        this.text = text;
    }

    /** The rules of {@code dir/.habignore}, or null when there is none. */
    public static HabIgnore of(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            IgnoreNode n = new IgnoreNode();
            n.parse(in);
            return new HabIgnore(n, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The rules of {@code dir/.habignore} followed by {@code extra} patterns of the plugin's own (a layer's
     * config file, which reaches the image in the final phase); null when there are none.
     */
    public static HabIgnore of(Path dir, java.util.List<String> extra) {
        HabIgnore own = of(dir);
        if (extra.isEmpty()) {
            return own;
        }
        String text = (own == null ? "" : own.text() + "\n") + String.join("\n", extra) + "\n";
        try (InputStream in = new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            IgnoreNode n = new IgnoreNode();
            n.parse(in);
            return new HabIgnore(n, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ignore rules of " + dir, e);
        }
    }

    /** @param relativePath path below the directory, '/' separated */
    public boolean ignored(String relativePath, boolean directory) {
        Boolean r = node.checkIgnored(relativePath, directory);
        return r != null && r;
    }

    public String text() {
        return text;
    }
}
