package dev.habitat.core.method.exec;

import dev.habitat.core.Json;
import dev.habitat.core.engine.ImageConfig;
import dev.habitat.core.plan.SnapshotLabels;
import dev.habitat.core.render.DockerfileSyntax;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** What the image config becomes as operations run; committed at the end of the segment. */
final class ExecImageState {
    final Map<String, String> env = new LinkedHashMap<>();
    final Map<String, String> args = new LinkedHashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    List<String> entrypoint;
    List<String> cmd;
    String user;
    String workdir;

    ExecImageState(ImageConfig parent) {
        for (String e : parent.env()) {
            int eq = e.indexOf('=');
            env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
        }
        entrypoint = parent.entrypoint();
        cmd = parent.cmd();
        user = parent.user() == null || parent.user().isEmpty() ? null : parent.user();
        workdir = parent.workingDir() == null || parent.workingDir().isEmpty() ? null : parent.workingDir();
    }

    /**
     * The environment of a step's exec: the image's ENV, then the stage's ARGs. An image without PATH (any
     * {@code docker import}ed one) gets Docker's default PATH for the exec only, as Docker's exec and BuildKit's RUN
     * supply it; Podman's exec does not, and the first step would fail with "executable file not found in $PATH".
     * The commit does not write it, so the image stays as the Dockerfile of the same stages leaves it.
     */
    List<String> execEnv() {
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        args.forEach((k, v) -> {
            if (!env.containsKey(k)) {
                out.add(k + "=" + v);
            }
        });
        if (!env.containsKey("PATH") && !args.containsKey("PATH")) {
            out.add("PATH=" + DEFAULT_PATH);
        }
        return out;
    }

    /** The PATH Docker gives a container whose image sets none (moby's and BuildKit's default for Linux). */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * The commit's Dockerfile-style changes: the config as the Dockerfile of the same stages would leave it.
     * Docker and Podman 5 parse each change as a Dockerfile instruction (quotes, escapes, {@code $} expansion);
     * Podman 4 only strips one pair of surrounding quotes and keeps the rest as it is, so there values go quoted
     * but unescaped ({@link dev.habitat.core.engine.EngineInfo#commitChangesAreDockerfile()}).
     */
    static List<String> changes(ExecImageState s, boolean dockerfileSyntax) {
        UnaryOperator<String> quote = dockerfileSyntax ? DockerfileSyntax::quotedLiteral : v -> "\"" + v + "\"";
        List<String> out = new ArrayList<>();
        s.env.forEach((k, v) -> out.add("ENV " + k + "=" + quote.apply(v)));
        s.labels.forEach((k, v) -> out.add("LABEL " + k + "=" + quote.apply(v)));
        out.add("LABEL " + SnapshotLabels.LABEL_METHOD + "=" + quote.apply(ExecMethod.NAME));
        out.add("USER " + (s.user == null ? "root" : s.user));
        out.add("WORKDIR " + (s.workdir == null ? "/" : s.workdir));
        out.add("ENTRYPOINT " + execForm(s.entrypoint));
        out.add("CMD " + execForm(s.cmd));
        return out;
    }

    /** {@code ["a","b"]} ({@code []} for none), without spaces, as both engines' commit changes have always been sent. */
    private static String execForm(List<String> argv) {
        return argv == null ? "[]" : argv.stream().map(Json::quoted).collect(Collectors.joining(",", "[", "]"));
    }
}
