package dev.habitat.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a YAML file into a {@link YamlNode} tree with locations, reporting syntax errors as problems. */
public final class YamlReader {
    private final YAMLFactory factory = YAMLFactory.builder().build();

    /** The document's root, or an empty map for an empty file; syntax errors become {@link ConfigException}. */
    public YamlNode read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ConfigException.single(Location.ofFile(file), "", "cannot read the file: " + e.getMessage(),
                    "check that the file exists and is readable");
        }
        return read(file, text);
    }

    public YamlNode read(Path file, String text) {
        List<ConfigProblem> problems = new ArrayList<>();
        try (Reader reader = new StringReader(text); JsonParser parser = factory.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlNode.MapNode(Map.of(), new Location(file, 1, 1));
            }
            YamlNode root = readValue(parser, file, problems);
            if (parser.nextToken() != null) {
                problems.add(ConfigProblem.error(at(file, parser.currentTokenLocation()), "",
                        "more than one YAML document in the file", "keep a single document (remove the '---' separator)"));
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            YamlSyntax syntax = YamlSyntax.explain(e.getOriginalMessage(), loc == null ? 1 : loc.getLineNr(),
                    loc == null ? 1 : loc.getColumnNr());
            throw ConfigException.single(new Location(file, syntax.line(), syntax.column()), "", syntax.message(), syntax.fix());
        } catch (IOException e) {
            throw ConfigException.single(Location.ofFile(file), "", "cannot read the file: " + e.getMessage(),
                    "check that the file exists and is readable");
        }
    }

    private YamlNode readValue(JsonParser p, Path file, List<ConfigProblem> problems) throws IOException {
        JsonToken t = p.currentToken();
        Location loc = at(file, p.currentTokenLocation());
        switch (t) {
            case START_OBJECT: {
                Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Location keyLoc = at(file, p.currentTokenLocation());
                    p.nextToken();
                    YamlNode value = readValue(p, file, problems);
                    if (entries.containsKey(key)) {
                        problems.add(ConfigProblem.error(keyLoc, key, "duplicate key (first defined at line "
                                + entries.get(key).keyLocation().line() + ")", "keep only one '" + key + "' key"));
                    } else {
                        entries.put(key, new YamlNode.Entry(key, keyLoc, value));
                    }
                }
                return new YamlNode.MapNode(entries, loc);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(p, file, problems));
                }
                return new YamlNode.ListNode(items, loc);
            }
            case VALUE_STRING:
                return new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.STRING, loc);
            case VALUE_NUMBER_INT:
                return new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.INTEGER, loc);
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.FLOAT, loc);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.BOOLEAN, loc);
            case VALUE_NULL:
                return new YamlNode.Scalar(null, YamlNode.ScalarKind.NULL, loc);
            default:
                // Aliases, tags and binary values resolve to the cases above in Jackson's YAML parser.
                return new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.STRING, loc);
        }
    }

    private static Location at(Path file, JsonLocation loc) {
        return new Location(file, loc.getLineNr(), loc.getColumnNr());
    }
}
