package dev.habitat.core.plan;

import java.nio.file.Path;

/** What a {@link Operation.Copy} copies, and where it sits in the staged build context. */
public sealed interface CopySource {

    /** The path inside the build context, relative, with '/' separators. */
    String contextPath();

    String canonical();

    /**
     * A host file or directory, staged under {@code contextPath}.
     *
     * @param fileMode permission bits for regular files, or null for the defaults (755 when the host file is
     *                 executable, 600 for keys and .pem files, else 644, each masked by the host file's own bits)
     * @param ignore   the {@code .habignore} rules applied while walking, or null
     */
    record HostTree(Path path, String contextPath, Integer fileMode, HabIgnore ignore, String destHint) implements CopySource {
        public String canonical() {
            return "tree ctx=" + contextPath + " mode=" + (fileMode == null ? "default" : Integer.toOctalString(fileMode));
        }
    }

    /** Content the plugin generates (habitat-env.sh, entrypoint.sh). */
    record Generated(String contextPath, String content, int mode) implements CopySource {
        public String canonical() {
            return "generated ctx=" + contextPath + " mode=" + Integer.toOctalString(mode) + " len=" + content.length();
        }
    }
}
