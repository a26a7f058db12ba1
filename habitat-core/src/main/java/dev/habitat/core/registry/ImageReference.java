package dev.habitat.core.registry;

import java.util.regex.Pattern;

/**
 * A repository or image reference ({@code registry/namespace/name[:tag]}) split as the engine splits it: the
 * first component is a registry host when it has a '.' or ':' or is {@code localhost}; otherwise the image is
 * on Docker Hub ({@code docker.io}).
 */
public record ImageReference(String host, String repository, String tag) {
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern HOST = Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    /**
     * Parses a reference; {@code tagAllowed} false for a repository prefix such as {@code 127.0.0.1:5000/team}.
     *
     * @throws IllegalArgumentException saying what is wrong and what a valid one looks like
     */
    public static ImageReference parse(String text, boolean tagAllowed) {
        String what = tagAllowed ? "image reference" : "registry repository prefix";
        String example = tagAllowed ? "registry.example.com:5000/team/dev:1.0" : "registry.example.com:5000/team";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the " + what + " is empty; write one such as " + example);
        }
        String rest = text.strip();
        if (rest.contains("@")) {
            throw new IllegalArgumentException("the " + what + " '" + text + "' has a digest: give a tag, not @sha256:...");
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!tagAllowed) {
                throw new IllegalArgumentException("the " + what + " '" + text + "' ends with a tag ':" + tag
                        + "': give only the repository prefix, such as " + example + " (snapshot tags are added to it)");
            }
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("the tag '" + tag + "' of '" + text + "' is not a valid tag: use letters, "
                        + "digits, '_', '.' and '-' (at most 128, not starting with '.' or '-')");
            }
        }
        String host = DOCKER_HUB;
        String path = rest;
        int first = rest.indexOf('/');
        if (first > 0) {
            String head = rest.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost")) {
                if (!HOST.matcher(head).matches()) {
                    throw new IllegalArgumentException("'" + head + "' in the " + what + " '" + text + "' is not a registry host[:port]");
                }
                host = head;
                path = rest.substring(first + 1);
            }
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("the " + what + " '" + text + "' has an invalid path component '" + component
                        + "': use lower-case letters, digits and single '.', '_' or '-' between them, such as " + example);
            }
        }
        return new ImageReference(host, path, tag);
    }

    /** The reference as the engine names it: {@code host/path[:tag]} (Docker Hub's host left out). */
    public String name() {
        String repo = host.equals(DOCKER_HUB) ? repository : host + "/" + repository;
        return tag == null ? repo : repo + ":" + tag;
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(host, repository, newTag);
    }

    /** {@code <this repository>/<child>}: a repository under this prefix. */
    public ImageReference child(String name) {
        return new ImageReference(host, repository + "/" + name, null);
    }

    @Override
    public String toString() {
        return name();
    }
}
