package dev.habitat.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * JSON for the whole core: one mapper, the writers for the three shapes the plugin writes (compact, indented, keys
 * sorted), and the text of strings as config hashes, Dockerfile exec forms and commit changes write them.
 *
 * <p>The mapper is configured here once and never handed out: Jackson's {@code ObjectMapper} is thread-safe once
 * configured, and what leaves this class is immutable ({@code ObjectReader}, {@code ObjectWriter}, new nodes), so no
 * caller can change how another one reads or writes. That makes a static final instance state-free in effect; passing
 * it through every constructor instead would add a parameter to a dozen types and no way to vary it that a build
 * needs.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter COMPACT = MAPPER.writer();
    private static final ObjectWriter INDENTED = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectWriter SORTED = MAPPER.writer(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Json() {
    }

    /** The tree of a JSON text; an empty text is a missing node. */
    public static JsonNode tree(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** The tree of a JSON text in UTF-8 (an engine's answer); an empty one is a missing node. */
    public static JsonNode tree(byte[] utf8) throws IOException {
        return MAPPER.readTree(utf8);
    }

    /** The tree of a JSON file; an empty file is a missing node. */
    public static JsonNode tree(Path file) throws IOException {
        return MAPPER.readTree(file.toFile());
    }

    /** A reader of values of {@code type}, e.g. for a stream of JSON objects ({@code readValues}). */
    public static ObjectReader readerFor(Class<?> type) {
        return MAPPER.readerFor(type);
    }

    /** A reader of values of a generic {@code type}. */
    public static ObjectReader readerFor(TypeReference<?> type) {
        return MAPPER.readerFor(type);
    }

    /** A new, empty object node. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The node a path through absent JSON ends at. */
    public static JsonNode missing() {
        return MAPPER.missingNode();
    }

    /** Compact JSON text of {@code value} (maps in their own order). */
    public static String text(Object value) throws JsonProcessingException {
        return COMPACT.writeValueAsString(value);
    }

    /** Indented JSON text, for files people read (the build report, show-phases, a migration's plan). */
    public static String indented(Object value) throws JsonProcessingException {
        return INDENTED.writeValueAsString(value);
    }

    /** Compact JSON text of a tree with every object's keys sorted: the same tree always gives the same bytes. */
    public static String sorted(JsonNode tree) throws JsonProcessingException {
        return SORTED.writeValueAsString(MAPPER.treeToValue(tree, Object.class));
    }

    /** {@code "text"} with JSON escapes. */
    public static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** {@code ["a", "b"]}: the exec form of ENTRYPOINT and CMD. */
    public static String array(List<String> items) {
        return items.stream().map(Json::quoted).collect(Collectors.joining(", ", "[", "]"));
    }
}
