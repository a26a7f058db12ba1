package dev.habitat.core.plan;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Text of the files the plugin writes into images: habitat-env.sh, entrypoint.sh, the script runner. */
public final class GeneratedFiles {
    public static final String ENV_SCRIPT = "/etc/profile.d/habitat-env.sh";
    public static final String ENTRYPOINT = "/entrypoint.sh";
    public static final String RUNNER_NAME = "run.sh";
    /** Set with the env (image ENV and habitat-env.sh): which env the shell already has. */
    public static final String ENV_MARKER = "HABITAT_ENV_HASH";

    private GeneratedFiles() {}

    /**
     * A shell command (one line) that writes {@link #ENV_SCRIPT}: every variable exported with shell quoting
     * that keeps the value exact, then cd into WORKDIR. The exports are skipped when {@code marker} shows the
     * env is already applied (image ENV carries it), so sourcing twice never appends {@code PATH=${PATH}:/x}
     * twice nor undoes a {@code docker run -e}.
     *
     * <p>A value without references is read from the step's own environment (the image ENV set just before),
     * not written into the command: the Dockerfile then holds each value once, in its ENV instruction, and a
     * build arg that changes the ENV changes this file too. A value that keeps references
     * ({@code ${PATH}:/opt/bin}) is written as it is, so the shell expands it when the file is sourced.
     */
    public static String envScriptCommand(Map<String, String> env, String marker) {
        StringBuilder b = new StringBuilder("q() { printf '%s' \"$1\" | sed 's/[\\\\\"$`]/\\\\&/g'; }; { ")
                .append(printLines("#!/bin/sh", "# Habitat environment variables (generated; do not edit)",
                        "if [ \"${" + ENV_MARKER + ":-}\" != " + Shell.quote(marker) + " ]; then"));
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getValue().contains("${")) {
                b.append(printLines("  export " + e.getKey() + "=\"" + Shell.doubleQuotedKeepingReferences(e.getValue()) + "\""));
            } else {
                b.append("printf '  export %s=\"%s\"\\n' ").append(e.getKey()).append(" \"$(q \"$").append(e.getKey()).append("\")\"; ");
            }
        }
        b.append(printLines("  export " + ENV_MARKER + "=" + Shell.quote(marker), "fi",
                "# Set working directory to WORKDIR by default", "cd \"$WORKDIR\" 2>/dev/null || true"));
        return b.append("} > ").append(ENV_SCRIPT).append(" && chmod 0755 ").append(ENV_SCRIPT).toString();
    }

    private static String printLines(String... lines) {
        StringBuilder b = new StringBuilder("printf '%s\\n'");
        for (String line : lines) {
            b.append(' ').append(Shell.quote(line));
        }
        return b.append("; ").toString();
    }

    public static String entrypoint() {
        return """
                #!/bin/bash
                # Habitat entrypoint wrapper - ensures environment variables are available
                # Ensure standard PATH is available even if not set in environment
                export PATH="${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}"
                source /etc/profile.d/habitat-env.sh 2>/dev/null || true
                exec "$@"
                """;
    }

    /**
     * Runs a script's commands in order -- given after {@code --} (a short script) or as {@code cmd-NNN.sh}
     * files beside it -- each in its own bash after sourcing the habitat env (which enters WORKDIR) with HOME
     * of the running user; stops at the first non-zero exit. A given command runs inside a function, so that
     * {@code return} ends it as it ends a sourced file. After each command that succeeded it prints how long the
     * command took ({@link #RUNNER_TOOK}; bash 5's clock, nothing on older bash), for the report's script bars.
     */
    public static String runner() {
        return """
                #!/bin/bash
                # Runs the commands of one habitat script step in order; each is judged by its exit code. The
                # failure line goes to stdout: after the command's own output there (BuildKit orders each stream).
                # Usage: run.sh NAME [-- COMMAND...]: the commands after --, else the cmd-*.sh files beside it.
                HOME="$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)"
                export HOME="${HOME:-/}"
                dir="$(dirname "$0")"
                # with the apt cache mounted: apt keeps its downloads there (see apt-cache.conf beside this file)
                if [ -f "$dir/apt-cache.conf" ] && [ -z "${APT_CONFIG:-}" ]; then export APT_CONFIG="$dir/apt-cache.conf"; fi
                name="${1:-script}" # the script's name in the config, for docker history, ps and the timing lines
                shift
                prelude='if [ -f /etc/profile.d/habitat-env.sh ]; then . /etc/profile.d/habitat-env.sh; fi; '
                given=
                if [ "${1:-}" = "--" ]; then
                  shift
                  given=1
                else
                  set -- "$dir"/cmd-*.sh
                fi
                n=0
                for cmd in "$@"; do
                  n=$((n + 1))
                  started="${EPOCHREALTIME:-}"
                  if [ -n "$given" ]; then
                    bash -c "$prelude"'__habitat_command=$1; shift; __habitat_run() { eval "$__habitat_command"; }; __habitat_run' "command-$n" "$cmd"
                  else
                    bash -c "$prelude"'. "$0"' "$cmd"
                  fi
                  rc=$?
                  if [ "$rc" -ne 0 ]; then
                    echo "habitat: command $n failed with exit code $rc"
                    exit "$rc"
                  fi
                  if [ -n "$started" ] && [ -n "${EPOCHREALTIME:-}" ]; then
                    took=$(( ${EPOCHREALTIME/[.,]/} - ${started/[.,]/} )) # microseconds (the locale may write a comma)
                    printf 'habitat: %s command %d took %d.%03d s\\n' "$name" "$n" $((took / 1000000)) $((took / 1000 % 1000))
                  fi
                done
                """;
    }

    /** Beside the runner of a step with the apt cache mounted; the runner points {@code APT_CONFIG} at it. */
    public static final String APT_CACHE_CONFIG = "apt-cache.conf";

    /**
     * The apt configuration of a step with the apt cache mounted, read before {@code /etc/apt/apt.conf.d}: apt keeps
     * the packages it downloads, in a directory of the cache that Debian's {@code docker-clean} hook (it deletes
     * {@code /var/cache/apt/archives/*.deb} after every install) does not touch; and dpkg unpacks without an fsync per
     * file. The image is never changed for it.
     */
    public static String aptCacheConfig() {
        return """
                // Written by habitat-maven-plugin for script steps that mount the apt cache (never part of an image).
                // Downloads are kept, where the docker-clean hook of Debian's images does not delete them.
                Dir::Cache::Archives "/var/cache/apt/habitat-archives/";
                APT::Keep-Downloaded-Packages "true";
                Binary::apt::APT::Keep-Downloaded-Packages "true";
                // dpkg skips its fsync per unpacked file (as Debian's own images set in dpkg.cfg.d): a build step
                // that dies leaves no layer, so nothing is lost, and an install spends its time unpacking instead.
                DPkg::Options { "--force-unsafe-io"; };
                """;
    }

    /** The line {@link #runner()} prints after a command that succeeded: the script's name, the command (1-based), seconds. */
    public static final Pattern RUNNER_TOOK =
            Pattern.compile("habitat: (\\S+) command (\\d+) took (\\d+\\.\\d{3}) s");

    /** The line {@link #runner()} prints when a command fails: which command (1-based) and its exit code. */
    public static final Pattern RUNNER_FAILED =
            Pattern.compile("habitat: command (\\d+) failed with exit code (\\d+)");

    public static String commandFileName(int index) {
        return String.format("cmd-%03d.sh", index + 1);
    }

    /** Checks every path (as the running user) and lists every missing one before failing. */
    public static String verifyScript(List<String> paths) {
        StringBuilder b = new StringBuilder("""
                missing=0
                check() { if [ -e "$1" ] || [ -L "$1" ]; then echo "verify-fs: ok $1"; else echo "verify-fs: MISSING $1" >&2; missing=$((missing + 1)); fi; }
                """);
        for (String p : paths) {
            if (p.equals("~")) {
                b.append("check \"$HOME\"\n");
            } else if (p.startsWith("~/")) {
                b.append("check \"$HOME\"").append(Shell.quote(p.substring(1))).append('\n');
            } else {
                b.append("check ").append(Shell.quote(p)).append('\n');
            }
        }
        b.append("""
                if [ "$missing" -gt 0 ]; then echo "verify-fs: $missing required path(s) missing" >&2; exit 1; fi
                """);
        return b.toString();
    }
}
