package dev.habitat.core.render;

import dev.habitat.core.HabitatException;
import dev.habitat.core.plan.CopySource;
import dev.habitat.core.plan.GeneratedFiles;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.SourceTree;
import dev.habitat.core.plan.Stage;
import dev.habitat.core.plan.StageGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes the Dockerfile and a build context holding exactly what the stages use: the system, shared and
 * habitat directories (filtered by {@code .habignore}), every copied file with the mode it gets in the
 * image, each script step's runner (and a longer script's commands as files), and the generated files. The result is usable with a standard
 * Docker CLI: {@code DOCKER_BUILDKIT=1 docker build --target <phase> <dir>}.
 *
 * <p>The directory is replaced as a whole (staged beside it, then renamed), so a failure never leaves a
 * half-written context, and nothing outside it is touched.
 */
public final class ContextStager {
    /** Marks a directory as ours, so that we only ever replace our own output. */
    public static final String MARKER = ".habitat-context";

    /**
     * @param dockerfile the Dockerfile written beside the context (a build's, or the one with build args)
     * @param excluded   a host directory never copied into the context (the plugin's output), or null
     */
    public BuildContext stage(StageGraph graph, String dockerfile, Path directory, Path excluded) {
        Path target = directory.toAbsolutePath().normalize();
        Path excl = excluded == null ? null : excluded.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.exists(target.resolve(MARKER))) {
            if (!isEmptyDirectory(target)) {
                throw HabitatException.ofHabitat(target + " exists and was not written by habitat; "
                        + "refusing to replace it. Remove it or choose another output directory.");
            }
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + ".staging-" + UUID.randomUUID());
        // host trees are listed once: their size is checked against the disk, then the same entries are staged
        Map<CopySource.HostTree, List<SourceTree.Entry>> trees = listHostTrees(graph, excl);
        long bytes = fileBytes(trees);
        checkSpace(bytes, target);
        try {
            createPrivateDirectory(tmp);
            Files.writeString(tmp.resolve(MARKER), "habitat build context\n");
            Set<String> staged = new HashSet<>();
            for (Stage stage : graph.stages()) {
                for (Operation op : stage.operations()) {
                    // a files entry inside a copied layer shares that layer's staged files (see Planner)
                    if (op instanceof Operation.Copy copy && !insideStaged(copy.source().contextPath(), staged)) {
                        stageSource(copy.source(), tmp, trees);
                        staged.add(copy.source().contextPath());
                    } else if (op instanceof Operation.RunScript script) {
                        stageScript(script, tmp);
                    }
                }
            }
            Files.writeString(tmp.resolve("Dockerfile"), dockerfile, StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(".dockerignore"), """
                    # Staged by habitat-maven-plugin: .habignore rules were applied while staging, so the
                    # context holds only what the Dockerfile uses. Reports written beside it stay out.
                    report.json
                    report.html
                    """);
            replace(tmp, target);
            return new BuildContext(target, target.resolve("Dockerfile"), dockerfile, bytes);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot stage the build context in " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private static boolean insideStaged(String contextPath, Set<String> staged) {
        for (String p = contextPath; p != null; p = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : null) {
            if (staged.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /** The entries of every host tree the graph copies (after .habignore), in stage order. */
    private static Map<CopySource.HostTree, List<SourceTree.Entry>> listHostTrees(StageGraph graph, Path excluded) {
        Map<CopySource.HostTree, List<SourceTree.Entry>> trees = new LinkedHashMap<>();
        for (Stage stage : graph.stages()) {
            for (Operation op : stage.operations()) {
                if (op instanceof Operation.Copy c && c.source() instanceof CopySource.HostTree tree) {
                    trees.computeIfAbsent(tree, t -> SourceTree.list(t, excluded));
                }
            }
        }
        return trees;
    }

    /** Bytes of the host files the context holds (what staging writes and each full build sends). */
    private static long fileBytes(Map<CopySource.HostTree, List<SourceTree.Entry>> trees) {
        // by staged path: a files entry sharing its layer's copy adds nothing, one staged apart adds its files again
        Map<String, Long> staged = new HashMap<>();
        for (Map.Entry<CopySource.HostTree, List<SourceTree.Entry>> tree : trees.entrySet()) {
            for (SourceTree.Entry e : tree.getValue()) {
                if (e.kind() == SourceTree.Kind.FILE) {
                    String path = tree.getKey().contextPath() + (e.relativePath().isEmpty() ? "" : "/" + e.relativePath());
                    staged.put(path, sizeOf(e.hostPath()));
                }
            }
        }
        return staged.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // unreadable: staging reports it
        }
    }

    /** A warning for a context so large that every build of a phase that copies it is slowed by it. */
    public static Optional<String> largeContextWarning(long bytes) {
        if (bytes <= BuildContext.LARGE) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "habitat: the build context holds %.0f MB of files; "
                + "each build of a phase that copies them sends them to the engine again. Exclude what the habitat does not "
                + "need with .habignore.", bytes / 1e6));
    }

    /** Refuses to start staging what the disk cannot hold (a half-written context helps nobody). */
    static void checkSpace(long needed, Path target) {
        Path existing = target;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        long usable;
        try {
            usable = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return; // unknown: staging itself reports a full disk
        }
        String problem = spaceProblem(needed, usable, existing);
        if (problem != null) {
            throw HabitatException.ofEnvironment(problem, null);
        }
    }

    /** The message when {@code needed} bytes (plus a margin for the tar sent to the engine) do not fit. */
    static String spaceProblem(long needed, long usable, Path where) {
        long margin = 64L << 20;
        if (needed * 2 + margin <= usable) {
            return null;
        }
        return String.format(Locale.ROOT, "not enough disk space for the build context: it holds %.1f MB of files "
                + "(staged, then sent as a tar: about %.1f MB needed) but only %.1f MB are free at %s. Free some space, exclude "
                + "what the habitat does not need with .habignore, or point habitat.outputDirectory to a larger disk.",
                needed / 1e6, (needed * 2 + margin) / 1e6, usable / 1e6, where);
    }

    private void stageSource(CopySource source, Path root, Map<CopySource.HostTree, List<SourceTree.Entry>> trees) throws IOException {
        Path dest = root.resolve(source.contextPath());
        Files.createDirectories(dest.getParent());
        if (source instanceof CopySource.Generated g) {
            Files.writeString(dest, g.content(), StandardCharsets.UTF_8);
            setMode(dest, g.mode());
            return;
        }
        List<SourceTree.Entry> entries = trees.get((CopySource.HostTree) source);
        for (SourceTree.Entry e : entries) {
            Path p = e.relativePath().isEmpty() ? dest : dest.resolve(e.relativePath());
            switch (e.kind()) {
                case DIRECTORY -> Files.createDirectories(p);
                case FILE -> Files.copy(e.hostPath(), p, StandardCopyOption.REPLACE_EXISTING);
                case SYMLINK -> {
                    Files.deleteIfExists(p); // staged before as part of a files entry inside this layer
                    Files.createSymbolicLink(p, Path.of(e.linkTarget()));
                }
            }
        }
        // Modes last, deepest first, so read-only directories do not stop the copy.
        for (int i = entries.size() - 1; i >= 0; i--) {
            SourceTree.Entry e = entries.get(i);
            if (e.kind() != SourceTree.Kind.SYMLINK) {
                setMode(e.relativePath().isEmpty() ? dest : dest.resolve(e.relativePath()), e.mode());
            }
        }
    }

    private void stageScript(Operation.RunScript script, Path root) throws IOException {
        Path dir = root.resolve(script.contextDir());
        Files.createDirectories(dir);
        Path runner = dir.resolve(GeneratedFiles.RUNNER_NAME);
        Files.writeString(runner, GeneratedFiles.runner(), StandardCharsets.UTF_8);
        setMode(runner, 0755);
        if (script.aptCache()) {
            Path apt = dir.resolve(GeneratedFiles.APT_CACHE_CONFIG);
            Files.writeString(apt, GeneratedFiles.aptCacheConfig(), StandardCharsets.UTF_8);
            setMode(apt, 0644);
        }
        // an inline script's commands are in its step's command line; the others are files beside the runner
        for (int i = 0; i < (script.inline() ? 0 : script.commands().size()); i++) {
            Path cmd = dir.resolve(GeneratedFiles.commandFileName(i));
            String body = script.commands().get(i);
            Files.writeString(cmd, body.endsWith("\n") ? body : body + "\n", StandardCharsets.UTF_8);
            setMode(cmd, 0644);
        }
    }

    /**
     * Creates the staging directory owner-only (0700) where the file system has POSIX permissions: it holds copies
     * of host files (keys among them) that other local users must not read, whatever their own modes. It keeps that
     * mode when renamed into place.
     */
    static void createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        if (posix(dir)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            setMode(dir, 0700); // the umask may narrow the attribute, never widen it; this makes it exact
        } else {
            Files.createDirectory(dir);
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Sets permission bits; a file system without POSIX permissions has none to set. */
    static void setMode(Path p, int mode) throws IOException {
        if (!posix(p)) {
            return;
        }
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        Files.setPosixFilePermissions(p, perms);
    }

    private static void replace(Path staged, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staged, target);
        }
        if (old != null) {
            deleteQuietly(old);
        }
    }

    private static boolean isEmptyDirectory(Path p) {
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    dir.toFile().setWritable(true, true);
                    dir.toFile().setExecutable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // Best effort: a leftover temp directory is harmless and named as ours.
        }
    }
}
