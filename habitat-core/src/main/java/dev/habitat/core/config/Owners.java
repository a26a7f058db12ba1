package dev.habitat.core.config;

import static dev.habitat.core.config.SectionContext.ACCOUNT;

import dev.habitat.core.Spelling;
import dev.habitat.core.config.YamlNode.ListNode;
import dev.habitat.core.config.YamlNode.MapNode;
import dev.habitat.core.config.YamlNode.Scalar;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads base_users and the owners that files and repos give, and checks that each owner is a user of the habitat. */
final class Owners {
    private final SectionContext ctx;

    /** Users the base image brings (base_users), which an owner may name besides the config's own. */
    private final Set<String> baseUsers = new LinkedHashSet<>();
    /** Each owner given (files, repos), checked once every layer is read: the users it may name are known then. */
    private final List<OwnerUse> owners = new ArrayList<>();

    private record OwnerUse(String user, Scalar at, String path) {}

    Owners(SectionContext ctx) {
        this.ctx = ctx;
    }

    void checkOwner(String owner, Scalar at, String path) {
        String[] parts = owner.split(":", -1);
        if (parts.length > 2 || !ACCOUNT.matcher(parts[0]).matches()
                || parts.length == 2 && !ACCOUNT.matcher(parts[1]).matches()) {
            ctx.error(at, path, "'" + owner + "' is not a user or user:group", "write e.g. owner: node or owner: node:staff");
        } else {
            owners.add(new OwnerUse(parts[0], at, path));
        }
    }

    /** base_users: names of users the base image brings, for owners (a list of account names). */
    void readBaseUsers(MapNode doc) {
        ListNode list = ctx.list(doc, "base_users");
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.items().size(); i++) {
            YamlNode item = list.items().get(i);
            if (item instanceof Scalar sc && ACCOUNT.matcher(sc.text().trim()).matches()) {
                baseUsers.add(sc.text().trim());
            } else {
                ctx.error(item, "base_users[" + i + "]", "must be a user name", "write e.g. base_users: [node, postgres]");
            }
        }
    }

    /** An owner must be root, USER, a run_as user (the users phase creates them) or one of base_users. */
    void checkOwnersAreUsers(List<ScriptSpec> scripts) {
        Set<String> users = new LinkedHashSet<>();
        users.add(ctx.env().getOrDefault("USER", "root"));
        scripts.forEach(sc -> users.add(sc.runAs()));
        users.add("root");
        Set<String> allowed = new LinkedHashSet<>(users);
        allowed.addAll(baseUsers);
        for (OwnerUse o : owners) {
            if (!allowed.contains(o.user())) {
                String near = Spelling.nearest(o.user(), allowed, 2).map(n -> "did you mean '" + n + "'? ").orElse("");
                ctx.error(o.at(), o.path(), "'" + o.user() + "' is not a user of this habitat (" + String.join(", ", users) + ")",
                        near + "a user the base image brings, or a script creates, goes in base_users: [" + o.user() + "]");
            }
        }
    }
}
