package dev.habitat.core.plan;

import dev.habitat.core.config.FileSpec;
import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.config.Layer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The copies of the files phase and of the final phase: each layer's directory to its {@code *_PATH} (its config
 * file left out, copied in the final phase so a config edit rebuilds only what it changes), then {@code files[]},
 * staged once when they lie inside a copied layer.
 */
final class LayerCopies {
    private LayerCopies() {
    }

    static List<Operation> files(HabitatConfig c, List<String> warnings) {
        List<Operation> ops = new ArrayList<>();
        if (!c.entry().bypassHabitatConstruction()) {
            for (Layer layer : Layer.values()) {
                Path dir = c.layerDirs().get(layer);
                if (dir == null) {
                    continue;
                }
                String target = layerTarget(c, layer);
                if (target == null) {
                    warnings.add(c.configFile() + ": env: " + layer.pathVariable() + " is not defined (as an absolute path), so "
                            + dir + " is not copied into the habitat. Fix: define it, e.g. - " + layer.pathVariable() + "="
                            + layer.examplePath() + ", if the image needs those files");
                    continue;
                }
                String ctx = "layers/" + layer.label();
                // the layer's config file is left out here and copied in the final phase: a config edit then
                // rebuilds only the phases it changes, not everything from files on
                List<String> leaveOut = layerConfigFile(c, layer).map(f -> List.of(f.getFileName().toString())).orElse(List.of());
                ops.add(new Operation.Copy(new CopySource.HostTree(dir, ctx, null, HabIgnore.of(dir, leaveOut), target), target, null,
                        "copy the " + layer.label() + " directory to " + target));
            }
        }
        List<FileSpec> files = c.files();
        for (int i = 0; i < files.size(); i++) {
            FileSpec f = files.get(i);
            if (f.before() == null && f.after() == null) {
                ops.add(copy(c, f, i));
            }
        }
        return ops;
    }

    static Operation copy(HabitatConfig c, FileSpec f, int index) {
        String base = f.source().getFileName() == null ? "root" : f.source().getFileName().toString();
        boolean directory = Files.isDirectory(f.source());
        String ctx = stagedWithItsLayer(c, f).orElse("files/" + index + "/" + sanitize(base));
        HabIgnore ignore = directory ? HabIgnore.of(f.source()) : null;
        return new Operation.Copy(new CopySource.HostTree(f.source(), ctx, f.mode(), ignore, f.dest()), f.dest(), f.owner(),
                f.description() != null ? f.description() : "copy " + f.src() + " to " + f.dest(), f.homeUser());
    }

    /**
     * Where a copied file already is in the context: a {@code files} entry inside a layer directory that is
     * copied whole (the habitat directory to {@code LOCAL_PATH}) uses that copy's staged files, so the context
     * holds and sends them once. Only when both copies stage the same entries: no mode of its own, no
     * {@code .habignore} in the layer or the entry's directory, no symbolic link on the way, not the layer's
     * config file, no key destination (its files get mode 600), and a plain path (no glob or quoting characters).
     */
    private static Optional<String> stagedWithItsLayer(HabitatConfig c, FileSpec f) {
        if (f.mode() != null || c.entry().bypassHabitatConstruction() || Files.isRegularFile(f.source().resolve(HabIgnore.FILE_NAME))
                || SourceTree.keyDestination(f.dest())) {
            return Optional.empty();
        }
        Path source = f.source().toAbsolutePath().normalize();
        for (Layer layer : Layer.values()) {
            Path dir = c.layerDirs().get(layer);
            if (dir == null || layerTarget(c, layer) == null || SourceTree.keyDestination(layerTarget(c, layer))
                    || Files.isRegularFile(dir.resolve(HabIgnore.FILE_NAME))) {
                continue;
            }
            Path root = dir.toAbsolutePath().normalize();
            if (!source.startsWith(root) || source.equals(root)
                    || layerConfigFile(c, layer).map(cf -> cf.toAbsolutePath().normalize().equals(source)).orElse(false)) {
                continue;
            }
            String rel = root.relativize(source).toString().replace('\\', '/');
            boolean linked = false;
            for (Path p = source; !p.equals(root); p = p.getParent()) {
                linked |= Files.isSymbolicLink(p);
            }
            if (!linked && rel.matches("[A-Za-z0-9._/-]+")) {
                return Optional.of("layers/" + layer.label() + "/" + rel);
            }
        }
        return Optional.empty();
    }

    /** Context names must survive Dockerfile JSON arrays and shells; keep the host name readable. */
    static String sanitize(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" + s : s;
    }

    /** Where the layer's directory goes in the image: its *_PATH when that is absolute, else null (not copied). */
    static String layerTarget(HabitatConfig c, Layer layer) {
        String target = c.env().get(layer.pathVariable());
        return target != null && target.startsWith("/") ? target : null;
    }

    /** The config file of a layer, in its directory: the habitat's own file, or config.yaml of system/ and shared/. */
    private static Optional<Path> layerConfigFile(HabitatConfig c, Layer layer) {
        if (layer == Layer.HABITAT) {
            return Optional.ofNullable(c.configFile());
        }
        Path dir = c.layerDirs().get(layer);
        return dir == null || !Files.isRegularFile(dir.resolve("config.yaml")) ? Optional.empty()
                : Optional.of(dir.resolve("config.yaml"));
    }

    /** Each copied layer's config file, into its place in the copied directory (left out of the files phase). */
    static List<Operation> layerConfigCopies(HabitatConfig c) {
        List<Operation> ops = new ArrayList<>();
        if (c.entry().bypassHabitatConstruction()) {
            return ops;
        }
        for (Layer layer : Layer.values()) {
            Path dir = c.layerDirs().get(layer);
            String target = layerTarget(c, layer);
            var file = layerConfigFile(c, layer);
            if (dir == null || target == null || file.isEmpty()) {
                continue;
            }
            String name = file.get().getFileName().toString();
            HabIgnore ignore = HabIgnore.of(dir);
            if (ignore != null && ignore.ignored(name, false)) {
                continue;
            }
            String dest = target.endsWith("/") ? target + name : target + "/" + name;
            ops.add(new Operation.Copy(new CopySource.HostTree(file.get(), "layers/" + layer.label() + "-config/" + name,
                    null, null, dest), dest, null, "copy the " + layer.label() + " config to " + dest));
        }
        return ops;
    }
}
