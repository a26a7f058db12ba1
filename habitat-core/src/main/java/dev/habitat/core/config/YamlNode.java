package dev.habitat.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every node knows where it was written, so that validation can name
 * file, line and column. Jackson's data binding loses locations; this tree keeps them.
 */
public sealed interface YamlNode permits YamlNode.MapNode, YamlNode.ListNode, YamlNode.Scalar {

    Location location();

    /** A short type name for messages ("a map", "a list", "a string"...). */
    String describe();

    record Entry(String key, Location keyLocation, YamlNode value) {}

    record MapNode(Map<String, Entry> entries, Location location) implements YamlNode {
        public MapNode {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public YamlNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        @Override
        public String describe() {
            return "a map";
        }
    }

    record ListNode(List<YamlNode> items, Location location) implements YamlNode {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    enum ScalarKind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

    record Scalar(String text, ScalarKind kind, Location location) implements YamlNode {
        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "a string";
                case INTEGER -> "a whole number";
                case FLOAT -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "empty (null)";
            };
        }

        public boolean isNull() {
            return kind == ScalarKind.NULL;
        }
    }
}
