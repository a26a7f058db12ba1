package dev.habitat.core;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Paths inside the image: always POSIX, whatever the host. {@code java.nio.file.Path} would use the host's rules
 * (on Windows {@code Path.of("/opt/bin").normalize()} is {@code \opt\bin}), so image paths are normalized here.
 */
public final class ImagePath {
    private ImagePath() {
    }

    /** {@code /a//b/./c/../d/} as {@code /a/b/d}: empty and {@code .} segments dropped, {@code ..} taken back (never above /). */
    public static String normalize(String path) {
        boolean absolute = path.startsWith("/");
        Deque<String> parts = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
                    parts.removeLast();
                } else if (!absolute) {
                    parts.addLast(segment);
                }
                continue;
            }
            parts.addLast(segment);
        }
        String joined = String.join("/", parts);
        return absolute ? "/" + joined : joined.isEmpty() ? "." : joined;
    }
}
