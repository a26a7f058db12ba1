package dev.habitat.core.plan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * A directory's {@code .habignore}, read with git's own rules (JGit's implementation of gitignore):
 * patterns match at any depth, {@code /} anchors, a trailing {@code /} matches directories, {@code !}
 * re-includes.
 */
public final class HabIgnore {
    public static final String FILE_NAME = ".habignore";
    private final IgnoreNode node; // the directory's .habignore; null when it has none (JGit is then never loaded)
    private final Set<String> leftOut; // the plugin's own exclusions: exact paths below the directory

    private HabIgnore(IgnoreNode node, Set<String> leftOut) {
        this.node = node;
        this.leftOut = leftOut;
    }

    /** The rules of {@code dir/.habignore}, or null when there is none. */
    public static HabIgnore of(Path dir) {
        return of(dir, List.of());
    }

    /**
     * The rules of {@code dir/.habignore} and the paths the plugin itself leaves out ({@code leftOut}, '/'
     * separated below {@code dir}: a layer's config file, which reaches the image in the final phase); null
     * when there are neither.
     */
    public static HabIgnore of(Path dir, List<String> leftOut) {
        Path file = dir.resolve(FILE_NAME);
        IgnoreNode node = null;
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                node = new IgnoreNode();
                node.parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return node == null && leftOut.isEmpty() ? null : new HabIgnore(node, Set.copyOf(leftOut));
    }

    /** @param relativePath path below the directory, '/' separated */
    public boolean ignored(String relativePath, boolean directory) {
        if (leftOut.contains(relativePath)) {
            return true;
        }
        Boolean r = node == null ? null : node.checkIgnored(relativePath, directory);
        return r != null && r;
    }
}
