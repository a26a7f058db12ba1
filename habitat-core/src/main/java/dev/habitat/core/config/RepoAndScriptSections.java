package dev.habitat.core.config;

import dev.habitat.core.ImagePath;
import static dev.habitat.core.config.SectionContext.ACCOUNT;
import static dev.habitat.core.config.SectionContext.isNull;

import dev.habitat.core.config.YamlNode.ListNode;
import dev.habitat.core.config.YamlNode.MapNode;
import dev.habitat.core.config.YamlNode.Scalar;
import dev.habitat.core.config.YamlNode.ScalarKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads what the image clones and runs: repos (the habitat's own file only) and scripts, with their secret ids. */
final class RepoAndScriptSections {
    private static final Set<String> SCRIPT_KEYS = Set.of("run_as", "commands", "before", "after", "description", "secrets");
    private static final Set<String> REPO_KEYS = Set.of("url", "path", "branch", "shallow", "access", "owner", "auth");
    /** Secret ids: safe as BuildKit secret ids and as file names under /run/secrets. */
    private static final Pattern SECRET_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final SectionContext ctx;
    private final Owners owners;
    private final List<RepoSpec> repos = new ArrayList<>();
    private final List<ScriptSpec> scripts = new ArrayList<>();

    /** @param owners where each repo's owner goes, to be checked once every layer is read */
    RepoAndScriptSections(SectionContext ctx, Owners owners) {
        this.ctx = ctx;
        this.owners = owners;
    }

    void readRepos(MapNode doc) {
        YamlNode node = doc.get("repos");
        if (node == null || isNull(node)) {
            return;
        }
        if (!(node instanceof ListNode list)) {
            ctx.error(node, "repos", "repos must be a list, not " + node.describe(), "write repos:\n    - url: ...\n      path: /workspace/x");
            return;
        }
        Map<String, String> seenPaths = new LinkedHashMap<>();
        for (int i = 0; i < list.items().size(); i++) {
            String path = "repos[" + i + "]";
            if (!(list.items().get(i) instanceof MapNode m)) {
                ctx.error(list.items().get(i), path, "must be a map with url and path", "write - url: https://...\n      path: /workspace/x");
                continue;
            }
            ctx.checkKeys(m, path, REPO_KEYS);
            Scalar url = ctx.required(m, "url", path, "the repository to clone, e.g. url: https://host/org/repo.git");
            Scalar p = ctx.required(m, "path", path, "the absolute path to clone into, e.g. path: /workspace/repo");
            Scalar branch = ctx.string(m, "branch", path + ".branch");
            Boolean shallow = ctx.bool(m, "shallow", path + ".shallow");
            Scalar access = ctx.string(m, "access", path + ".access");
            Scalar owner = ctx.string(m, "owner", path + ".owner");
            Scalar auth = ctx.string(m, "auth", path + ".auth");
            if (auth != null && !SECRET_ID.matcher(auth.text()).matches()) {
                ctx.error(auth, path + ".auth", "'" + auth.text() + "' is not a secret id",
                        "name the secret with letters, digits, '_' and '-' (e.g. auth: git-token), as in settings.xml <server><id>");
            }
            if (access != null && !Set.of("read", "write").contains(access.text())) {
                ctx.error(access, path + ".access", "must be read or write", "write access: read");
            }
            String ownerText = owner == null ? null : ctx.expand(owner.text());
            if (ownerText != null) {
                owners.checkOwner(ownerText, owner, path + ".owner");
            }
            String branchText = branch == null ? null : ctx.expand(branch.text());
            if (branchText != null && !validBranch(branchText)) {
                ctx.error(branch, path + ".branch", "'" + branchText + "' is not a valid branch name",
                        "use a git branch name (no spaces, no leading '-', no '..')");
            }
            if (url == null || p == null) {
                continue;
            }
            String urlText = ctx.expand(url.text());
            if (urlText.startsWith("-") || urlText.chars().anyMatch(c -> c <= ' ')) {
                ctx.error(url, path + ".url", "'" + urlText + "' is not a repository URL", "use e.g. https://host/org/repo.git");
                continue;
            }
            String masked = withoutPassword(urlText);
            if (masked != null) {
                // the URL is the clone's RUN line, the image history and the clone's .git/config: no token may ride in it
                ctx.error(url, path + ".url", "'" + masked + "' has a password in it, which would be written into the image"
                                + " (the clone's command, the image history and .git/config)",
                        "remove 'user:password@' from the URL and give the repo 'auth: git-token', a secret id whose value"
                                + " the plugin configuration (<secret><id>git-token</id><env>GIT_TOKEN</env><username>user</username></secret>)"
                                + " or the settings.xml <server> with that id gives");
                continue;
            }
            String pathText = ctx.expandTilde(ctx.expand(p.text()), ctx.env().getOrDefault("USER", "root"));
            if (!ctx.checkAbsolutePath(pathText, p.location(), path + ".path", "repos path")) {
                continue;
            }
            String normalized = ImagePath.normalize(pathText);
            if (seenPaths.containsKey(normalized)) {
                ctx.error(p, path + ".path", "path " + normalized + " is also the path of " + seenPaths.get(normalized),
                        "give every repository its own path");
                continue;
            }
            seenPaths.put(normalized, path);
            repos.add(new RepoSpec(urlText, pathText, branchText, shallow == null || shallow,
                    access == null ? null : access.text(), ownerText, auth == null ? null : auth.text(),
                    new Origin(Layer.HABITAT, m.location(), path)));
        }
    }

    void readScripts(Layer layer, MapNode doc) {
        ListNode list = ctx.list(doc, "scripts");
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.items().size(); i++) {
            String path = "scripts[" + i + "]";
            if (!(list.items().get(i) instanceof MapNode m)) {
                ctx.error(list.items().get(i), path, "must be a map with commands", "write - run_as: root\n      commands:\n        - echo hi");
                continue;
            }
            ctx.checkKeys(m, path, SCRIPT_KEYS);
            Scalar runAs = ctx.string(m, "run_as", path + ".run_as");
            String before = ctx.hook(m, "before", path);
            String after = ctx.hook(m, "after", path);
            String user = runAs == null ? ctx.env().getOrDefault("USER", "root") : ctx.expand(runAs.text());
            if (runAs != null && !ACCOUNT.matcher(user).matches()) {
                ctx.error(runAs, path + ".run_as", "'" + user + "' is not a valid user name", "use e.g. run_as: root");
            }
            YamlNode cmds = m.get("commands");
            List<String> commands = new ArrayList<>();
            if (cmds == null || isNull(cmds)) {
                ctx.error(m, path + ".commands", "missing 'commands'", "add commands:\n        - <shell command>");
                continue;
            } else if (cmds instanceof Scalar s && s.kind() == ScalarKind.STRING) {
                commands.add(ctx.expand(s.text()));
            } else if (cmds instanceof ListNode cl) {
                for (int j = 0; j < cl.items().size(); j++) {
                    YamlNode c = cl.items().get(j);
                    if (c instanceof Scalar s && !s.isNull() && s.kind() != ScalarKind.BOOLEAN) {
                        if (!s.text().isBlank()) {
                            commands.add(ctx.expand(s.text()));
                        }
                    } else {
                        ctx.error(c, path + ".commands[" + j + "]", "must be a shell command string, not " + c.describe(),
                                "write the command as a string (use '|' for multi-line blocks)");
                    }
                }
            } else {
                ctx.error(cmds, path + ".commands", "must be a list of shell commands, not " + cmds.describe(),
                        "write commands:\n        - <shell command>");
                continue;
            }
            scripts.add(new ScriptSpec(user, commands, before, after, secretIds(m, path + ".secrets"), new Origin(layer, m.location(), path)));
        }
    }

    /** A script's {@code secrets: [id, ...]}: ids of secrets mounted for that script only. */
    private List<String> secretIds(MapNode m, String path) {
        YamlNode node = m.get("secrets");
        List<String> ids = new ArrayList<>();
        if (node == null || isNull(node)) {
            return ids;
        }
        List<YamlNode> items = node instanceof ListNode l ? l.items() : List.of(node);
        for (int j = 0; j < items.size(); j++) {
            YamlNode item = items.get(j);
            if (item instanceof Scalar sc && !sc.isNull() && SECRET_ID.matcher(sc.text()).matches()) {
                if (!ids.contains(sc.text())) {
                    ids.add(sc.text());
                }
            } else {
                ctx.error(item, path + (node instanceof ListNode ? "[" + j + "]" : ""), item instanceof Scalar sc
                                ? "'" + sc.text() + "' is not a secret id" : "must be a secret id, not " + item.describe(),
                        "list secret ids made of letters, digits, '_' and '-', e.g. secrets: [npm-token]");
            }
        }
        return ids;
    }

    /**
     * For a {@code scheme://user:password@host/...} URL, the URL with the password replaced by {@code ***} (for the
     * message, which must not repeat it); null when the URL has no password. A user name alone ({@code git@host:org/x},
     * {@code https://user@host/x}) is not a secret.
     */
    static String withoutPassword(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return null;
        }
        int start = scheme + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        if (at < start) {
            return null;
        }
        int colon = url.indexOf(':', start);
        if (colon < 0 || colon > at) {
            return null;
        }
        return url.substring(0, colon + 1) + "***" + url.substring(at);
    }

    private static boolean validBranch(String b) {
        return !b.isEmpty() && !b.startsWith("-") && !b.contains("..") && !b.endsWith(".lock") && !b.endsWith("/")
                && b.chars().noneMatch(c -> c <= ' ' || c == 127 || "~^:?*[\\".indexOf(c) >= 0);
    }

    List<RepoSpec> repos() {
        return repos;
    }

    List<ScriptSpec> scripts() {
        return scripts;
    }
}
