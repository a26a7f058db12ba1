package dev.habitat.core;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;
import java.util.stream.Collectors;

/** JSON text of strings, as config hashes, Dockerfile exec forms and commit changes write them. */
public final class Json {
    private Json() {
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
