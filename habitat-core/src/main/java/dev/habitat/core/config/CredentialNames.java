package dev.habitat.core.config;

import dev.habitat.core.config.YamlNode.Scalar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names that look like credentials ({@code .credentials.json}, {@code *.pem}, {@code *token*}, {@code id_*},
 * {@code *_key}, ...). A file copied from the host home with such a name is most likely a secret that the habitat
 * bakes into its image, and so into every snapshot pushed to a registry: worth a located warning.
 */
final class CredentialNames {
    /** Lower-case file names, as the original's own .gitignore files list secrets (plus the usual token files). */
    private static final Pattern CREDENTIAL = Pattern.compile(
            ".*credential.*|.*\\.pem|.*\\.key|.*_key|.*token.*|id_.*|.*_rsa.*|.*secret.*|.*password.*|.*\\.p12|.*\\.pfx"
                    + "|\\.netrc|\\.npmrc|\\.pypirc|\\.env");
    /** Public halves of key pairs: not secrets. */
    private static final Pattern PUBLIC = Pattern.compile(".*\\.pub");
    /** How many entries of a copied directory are looked at, so a large home directory does not slow loading. */
    private static final int MAX_ENTRIES = 10_000;
    /** How many credential-like names a warning lists. */
    private static final int MAX_LISTED = 5;

    private CredentialNames() {
    }

    static boolean looksLikeCredential(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return CREDENTIAL.matcher(n).matches() && !PUBLIC.matcher(n).matches();
    }

    /** The source itself, or the credential-like files under it when it is a directory (relative, a few). */
    static List<String> credentialsIn(Path source) {
        if (!Files.isDirectory(source)) {
            Path name = source.getFileName();
            return name != null && looksLikeCredential(name.toString()) ? List.of(source.toString()) : List.of();
        }
        try (Stream<Path> walk = Files.walk(source)) {
            return walk.limit(MAX_ENTRIES)
                    .filter(p -> !p.equals(source) && Files.isRegularFile(p) && looksLikeCredential(p.getFileName().toString()))
                    .map(p -> source.relativize(p).toString())
                    .sorted()
                    .limit(MAX_LISTED)
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // an unreadable directory fails later, when it is copied, with the copy's own message
        }
    }

    /** Adds the warning for a {@code ~/} source whose name (or a file under it) looks like a credential. */
    static void warnIfCredential(SectionContext ctx, Scalar src, String keyPath, String srcText, Path source) {
        List<String> found = credentialsIn(source);
        if (found.isEmpty()) {
            return;
        }
        String what = Files.isDirectory(source)
                ? "'" + srcText + "' holds files whose names look like credentials (" + String.join(", ", found) + ")"
                : "'" + srcText + "' looks like a credential";
        ctx.problems().add(ConfigProblem.warning(src.location(), keyPath, what + ": its content is copied from your home "
                        + "into the image and every snapshot pushed from it",
                "if a build step only needs it to authenticate, give it as a secret instead (scripts[].secrets, "
                        + "repos[].auth: mounted for that step only, never stored); if the image must hold it, keep its "
                        + "snapshots out of shared registries"));
    }
}
