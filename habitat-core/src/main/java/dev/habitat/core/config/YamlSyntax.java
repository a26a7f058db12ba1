package dev.habitat.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the YAML parser's words ("while scanning for the next token", "expected &lt;block end&gt;") into what a
 * user did: a tab used for indentation, a line indented unlike its siblings, a quote never closed, a colon in a
 * plain value. Points at the line of the cause (the parser's problem mark), naming the line where the
 * construct it broke began.
 */
record YamlSyntax(int line, int column, String message, String fix) {
    private static final Pattern MARK = Pattern.compile("line (\\d+), column (\\d+)");

    /** From the parser's full message; {@code line}/{@code column} are the parser's own location, used when none is in it. */
    static YamlSyntax explain(String parserMessage, int line, int column) {
        String msg = parserMessage == null ? "" : parserMessage;
        List<int[]> marks = new ArrayList<>();
        Matcher m = MARK.matcher(msg);
        while (m.find()) {
            marks.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
        int[] problem = marks.isEmpty() ? new int[] {line, column} : marks.get(marks.size() - 1);
        int contextLine = marks.size() > 1 ? marks.get(0)[0] : problem[0];
        int at = problem[0];
        if (msg.contains("(TAB)")) {
            return new YamlSyntax(at, problem[1], "a tab character indents line " + at + "; YAML indents with spaces only",
                    "replace the tab with spaces");
        }
        if (msg.contains("expected <block end>")) {
            return new YamlSyntax(at, problem[1], "line " + at + " is indented differently from the lines of the block"
                    + " that starts at line " + contextLine, "indent it with spaces to the same column as its siblings");
        }
        if (msg.contains("while scanning a quoted scalar")) {
            return new YamlSyntax(contextLine, marks.isEmpty() ? column : marks.get(0)[1],
                    "the quote opened at line " + contextLine + " is never closed", "close the quote (write \\\" for a quote inside \"...\")");
        }
        if (msg.contains("mapping values are not allowed here")) {
            return new YamlSyntax(at, problem[1], "a ': ' inside the plain value on line " + at,
                    "quote the value, e.g. key: \"a: b\"");
        }
        int nl = msg.indexOf('\n');
        String first = (nl > 0 ? msg.substring(0, nl) : msg).trim();
        return new YamlSyntax(at, problem[1], "YAML syntax error: " + first,
                "fix the YAML syntax at this line (indentation, a missing ':' or an unclosed quote are common causes)");
    }
}
