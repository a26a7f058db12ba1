package dev.habitat.core.plan;

import dev.habitat.core.config.HabitatConfig;
import dev.habitat.core.config.RepoSpec;
import java.nio.file.Files;
import java.util.List;

/**
 * The shell both build methods run for the operations that are more than one command: clone a repository, copy into
 * a home found in the image, make a package cache's mount points. BuildKit runs each in a RUN step with its files
 * bind-mounted, docker-exec with the same files put into the container at the same paths, so the paths are here too.
 */
public final class StepScripts {
    /** Where config scripts are bind-mounted from the context while they run (never part of a layer). */
    public static final String SCRIPT_MOUNT = "/run/habitat/script";
    /** Where the git mirror caches are mounted: {@code GIT_CACHE/<gitCache>} per habitat and repository. */
    public static final String GIT_CACHE = "/var/cache/habitat-git";
    /** Where a staged source is bind-mounted while it is copied into a home found at build time. */
    public static final String COPY_MOUNT = "/run/habitat/copy";

    private StepScripts() {
    }

    /**
     * Creates each cache directory the image lacks, with its missing parents, owned by the cache's owner (as the
     * script would have made them), and leaves existing ones as they are. Run as root before each script step that
     * mounts them, by both methods: BuildKit would otherwise create a missing mount point as root (Docker 20.10 keeps
     * it in the layer, so {@code ~/.cache} would end up root's; newer BuildKit removes it), and docker-exec's
     * volumes need their mount points before the container that mounts them starts. What the caches hold never
     * reaches the image: the mounts hide these directories while the scripts run.
     */
    public static String cacheMountPoints(List<CacheMount> caches) {
        StringBuilder s = new StringBuilder("set -e");
        for (CacheMount c : caches) {
            s.append("; t=").append(Shell.quote(c.target()))
                    .append("; top=$t; first=; while [ ! -e \"$top\" ]; do first=$top; top=$(dirname \"$top\"); done; mkdir -p \"$t\"");
            if (!c.owner().equals("root")) {
                s.append("; if [ -n \"$first\" ]; then chown -R ").append(Shell.quote(c.owner() + ":")).append(" \"$first\"; fi");
            }
        }
        return s.toString();
    }

    /**
     * Clones through a mirror kept in the repo's own cache (a BuildKit cache mount, or a docker-exec volume, at
     * {@code GIT_CACHE/<gitCache>}): objects are fetched once, then only what is new, and the clone is dissociated
     * so the image does not point into the cache. The revision argument carries the commit resolved on the host: it
     * busts the cache when upstream moves and pins the checkout. Nothing stored in the cache is trusted: its config
     * is rewritten and its hooks removed before each use, every fetch names the URL (never a stored remote), and
     * git runs no hooks; the checkout is pinned to the host-resolved commit.
     */
    public static String cloneScript(Operation.CloneRepo clone) {
        RepoSpec r = clone.repo();
        String url = Shell.quote(r.url());
        String dest = Shell.quote(r.path());
        String rev = "${" + clone.revisionArg() + ":-}";
        String branch = r.branch() == null ? "" : " --branch " + Shell.quote(r.branch());
        StringBuilder s = new StringBuilder("set -e; ")
                .append("command -v git >/dev/null || { echo 'habitat: git is not installed in the image: install it in a before: repos script' >&2; exit 127; }; ")
                .append("url=").append(url).append("; dest=").append(dest).append("; rev=\"").append(rev).append("\"; ")
                .append("export GIT_TERMINAL_PROMPT=0; ");
        if (r.auth() == null) {
            s.append("g() { git -c core.hooksPath=/dev/null \"$@\"; }; ");
        } else {
            // The credential helper reads the mounted secret when git asks: the token is never in the URL,
            // a command line, .git/config or the environment of the layer.
            String secret = Operation.SECRETS_DIR + "/" + r.auth();
            String helper = credentialHelper(r, Operation.SECRETS_DIR);
            s.append("[ -r ").append(secret).append(" ] || { echo ").append(Shell.quote("habitat: secret '" + r.auth()
                            + "' for " + r.url() + " was not given to the build")).append(" >&2; exit 1; }; ")
                    .append("g() { git -c core.hooksPath=/dev/null -c credential.helper= -c credential.helper=").append(Shell.quote(helper))
                    .append(" \"$@\"; }; ")
                    .append("fail=").append(Shell.quote("habitat: cloning " + r.url() + " with the credentials of secret '"
                            + r.auth() + "' failed (check the secret's value and the server's access rules)"))
                    .append("; trap 'test $? = 0 || echo \"$fail\" >&2' EXIT; ");
        }
        // from / : the path may be the step's working directory (a habitat that clones itself into WORKDIR), and git
        // cannot run in a directory that was removed
        s.append("cd /; rm -rf \"$dest\"; mkdir -p \"$(dirname \"$dest\")\"; ");
        if (r.shallow()) {
            // A "dumb" HTTP server (static files) cannot serve a shallow clone, and git refuses before fetching
            // anything: clone in full then, and say so.
            String full = StepNotice.PREFIX + r.url() + " is served by a dumb HTTP server, which cannot do a shallow "
                    + "clone: cloning the whole history";
            s.append("if out=$(g clone --quiet --depth 1 --single-branch").append(branch).append(" -- \"$url\" \"$dest\" 2>&1); then ")
                    .append("[ -z \"$out\" ] || printf '%s\\n' \"$out\"; ")
                    .append("else case \"$out\" in *'dumb http transport does not support shallow'*) ")
                    .append("echo ").append(Shell.quote(full)).append("; rm -rf \"$dest\"; ")
                    .append("g clone --quiet --single-branch").append(branch).append(" -- \"$url\" \"$dest\";; ")
                    .append("*) printf '%s\\n' \"$out\" >&2; exit 1;; esac; fi; ");
        } else {
            // a fresh config (no remote, insteadOf, sshCommand, fsmonitor, credential or include), no hooks, no alternates
            s.append("cache=").append(GIT_CACHE).append('/').append(clone.gitCache()).append("/mirror.git; ")
                    .append("[ -f \"$cache/HEAD\" ] || { rm -rf \"$cache\"; git init --quiet --bare \"$cache\"; }; ")
                    .append("printf '[core]\\n\\trepositoryformatversion = 0\\n\\tbare = true\\n' > \"$cache/config\"; ")
                    .append("rm -rf \"$cache/hooks\" \"$cache/objects/info/alternates\"; ")
                    .append("g -C \"$cache\" fetch --quiet --prune -- \"$url\" '+refs/*:refs/*' || true; ")
                    .append("g clone --quiet --reference \"$cache\" --dissociate").append(branch)
                    .append(" -- \"$url\" \"$dest\"; ");
        }
        s.append("if [ -n \"$rev\" ] && [ \"$(git -C \"$dest\" rev-parse HEAD)\" != \"$rev\" ]; then ")
                .append("g -C \"$dest\" fetch --quiet -- \"$url\" \"$rev\" 2>/dev/null || true; g -C \"$dest\" reset --quiet --hard \"$rev\"; fi");
        if (!clone.owner().equals("root")) {
            String owner = clone.owner().contains(":") ? clone.owner() : clone.owner() + ":";
            s.append("; chown -R ").append(Shell.quote(owner)).append(" \"$dest\"");
        }
        return s.toString();
    }

    /**
     * The inline credential helper ({@code !} form: git runs it with sh) reading the repo's secret under
     * {@code secretsDir}. It answers only when git asks for the repo's own protocol and host (the {@code host}
     * attribute includes a port), so a redirect or an {@code insteadOf} sending git elsewhere gets no token.
     */
    static String credentialHelper(RepoSpec r, String secretsDir) {
        String secret = secretsDir + "/" + r.auth();
        String[] target = protocolAndHost(r.url());
        return "!f() { test \"$1\" = get || exit 0; p=; h=; "
                + "while IFS= read -r l && [ -n \"$l\" ]; do case \"$l\" in protocol=*) p=${l#protocol=};; host=*) h=${l#host=};; esac; done; "
                + "[ -n \"$p\" ] && [ \"$p\" = " + Shell.quote(target[0]) + " ] && [ \"$h\" = " + Shell.quote(target[1]) + " ] || exit 0; "
                + "echo username=$(cat " + secret + Operation.USERNAME_SUFFIX + " 2>/dev/null || echo git); echo password=$(cat " + secret + "); }; f";
    }

    /**
     * The {@code protocol} and {@code host} git gives a credential helper for {@code scheme://[user@]host[:port]/...};
     * empty strings for other forms (scp-like {@code git@host:path} goes over ssh, which asks no helper).
     */
    static String[] protocolAndHost(String url) {
        int scheme = url.indexOf("://");
        if (scheme <= 0) {
            return new String[] {"", ""};
        }
        int start = scheme + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        return new String[] {url.substring(0, scheme), authority.substring(authority.lastIndexOf('@') + 1)};
    }

    /**
     * Copies into the user's real home (from the passwd database of the image, as the original's
     * {@code getent} did), falling back to {@code /root} or {@code /home/<user>}.
     */
    public static String homeCopyScript(Operation.Copy c) {
        String u = Shell.quote(c.homeUser());
        String owner = c.owner() == null ? null : c.owner().contains(":") ? c.owner() : c.owner() + ":" + c.owner();
        boolean dir = c.source() instanceof CopySource.HostTree t && Files.isDirectory(t.path());
        String rest = c.pathInHome();
        StringBuilder s = new StringBuilder("set -e; home=$(getent passwd ").append(u).append(" | cut -d: -f6); ")
                .append("[ -n \"$home\" ] || home=").append(Shell.quote(HabitatConfig.homeOf(c.homeUser()))).append("; ")
                .append("dest=\"$home\"").append(rest.isEmpty() ? "" : Shell.quote(rest)).append("; ")
                .append("top=$(dirname \"$dest\"); first=; while [ ! -e \"$top\" ]; do first=$top; top=$(dirname \"$top\"); done; ")
                .append("mkdir -p \"$(dirname \"$dest\")\"; ");
        if (owner != null) {
            // directories this copy creates in the home belong to the owner too (~/.config for ~/.config/app.conf)
            s.append("if [ -n \"$first\" ]; then chown -R ").append(Shell.quote(owner)).append(" \"$first\"; fi; ");
        }
        if (dir) {
            s.append("mkdir -p \"$dest\"; cp -a ").append(COPY_MOUNT).append("/. \"$dest\"/");
        } else {
            s.append("cp -a ").append(COPY_MOUNT).append(" \"$dest\"");
        }
        s.append("; chown ").append(dir ? "-R " : "").append(owner == null ? "0:0" : Shell.quote(owner)).append(" \"$dest\"");
        return s.toString();
    }
}
