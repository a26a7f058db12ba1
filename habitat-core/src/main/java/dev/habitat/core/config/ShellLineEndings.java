package dev.habitat.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Shell files with CRLF line endings, as a Windows checkout without {@code .gitattributes} gives them: copied into
 * the image as they are, they fail there ({@code /bin/bash^M: bad interpreter}, {@code $'\r': command not found}).
 * The plugin warns, naming the file, and does not convert: the bytes a habitat copies are the ones in its checkout
 * (a converted copy would hide the checkout's problem and differ from what {@code docker build} of the generated
 * Dockerfile copies).
 */
final class ShellLineEndings {
    /** How much of a file is read to decide: a shell file's first lines tell. */
    private static final int HEAD_BYTES = 64 * 1024;

    private ShellLineEndings() {
    }

    /** Whether {@code file} is a shell file (a {@code .sh} or {@code .bash} name, or a {@code #!} first line) with a CRLF. */
    static boolean shellFileWithCrlf(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD_BYTES);
        } catch (IOException unreadable) {
            return false; // reported where the file is copied
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean shell = name.endsWith(".sh") || name.endsWith(".bash") || head.length > 1 && head[0] == '#' && head[1] == '!';
        return shell && new String(head, StandardCharsets.ISO_8859_1).contains("\r\n");
    }

    /** A located warning for a shell file with CRLF line endings, if {@code file} is one. */
    static void warnIfCrlf(SectionContext ctx, Location at, String keyPath, Path file) {
        if (shellFileWithCrlf(file)) {
            ctx.problems().add(ConfigProblem.warning(at, keyPath, file + " has Windows (CRLF) line endings: in the "
                    + "image the shell reads each \\r as part of a command and the script fails",
                    "check it out with LF (add '*.sh text eol=lf' to .gitattributes, then 'git add --renormalize .'), "
                            + "or convert it (dos2unix " + file.getFileName() + ")"));
        }
    }
}
