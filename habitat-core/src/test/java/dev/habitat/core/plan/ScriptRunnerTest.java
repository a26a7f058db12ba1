package dev.habitat.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staged runner, run by a real bash as a step runs it: inline commands and command files alike. */
class ScriptRunnerTest {
    @TempDir
    Path dir;

    private record Run(int exit, String output) {}

    private Run run(Operation.RunScript script) throws IOException, InterruptedException {
        Files.writeString(dir.resolve(GeneratedFiles.RUNNER_NAME), GeneratedFiles.runner());
        if (!script.inline()) {
            for (int i = 0; i < script.commands().size(); i++) {
                Files.writeString(dir.resolve(GeneratedFiles.commandFileName(i)), script.commands().get(i) + "\n");
            }
        }
        List<String> argv = new ArrayList<>(script.runnerArgv(dir.toString()));
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    private static Operation.RunScript script(String... commands) {
        return new Operation.RunScript("root", List.of(commands), "scripts[0] [root] " + commands[0], "scripts/scripts/0");
    }

    @Test
    void inlineCommandsRunInOrderEachInItsOwnShellAndAFailureNamesItsCommand() throws Exception {
        Operation.RunScript s = script("x=1; echo \"one $x '$HOME'\"", "echo \"two ${x:-unset}\"", "exit 7", "echo never");
        assertTrue(s.inline());
        Run r = run(s);
        assertEquals(7, r.exit(), r.output());
        assertTrue(r.output().startsWith("one 1 '" + System.getProperty("user.home")), r.output());
        assertTrue(r.output().contains("two unset\n"), "each command has its own shell: " + r.output());
        assertTrue(r.output().endsWith("habitat: command 3 failed with exit code 7\n"), r.output());
    }

    @Test
    void commandFilesBehaveTheSame() throws Exception {
        Operation.RunScript s = script("x=1; echo \"one $x\"\necho more", "echo \"two ${x:-unset}\"", "exit 7", "echo never");
        assertTrue(!s.inline(), "a multi-line command goes to files");
        Run r = run(s);
        assertEquals(7, r.exit(), r.output());
        assertEquals("one 1\nmore\nhabitat: scripts[0] command 1 took #\ntwo unset\nhabitat: scripts[0] command 2 took #\n"
                + "habitat: command 3 failed with exit code 7\n", timesHidden(r.output()));
    }

    @Test
    void returnEndsAnInlineCommandAsItEndsACommandFile() throws Exception {
        Run inline = run(script("[ -d / ] && return 0; echo not reached", "echo second"));
        assertEquals(0, inline.exit(), inline.output());
        assertEquals("habitat: scripts[0] command 1 took #\nsecond\nhabitat: scripts[0] command 2 took #\n", timesHidden(inline.output()));
        Run file = run(script("[ -d / ] && return 0; echo not reached\n", "echo second\necho third"));
        assertEquals("habitat: scripts[0] command 1 took #\nsecond\nthird\nhabitat: scripts[0] command 2 took #\n",
                timesHidden(file.output()));
    }

    @Test
    void aShellErrorDoesNotRepeatTheCommandsTextAsItsSource() throws Exception {
        Run r = run(script("echo first", "habitat-no-such-command --flag"));
        assertEquals(127, r.exit(), r.output());
        assertTrue(r.output().contains(": line 1: habitat-no-such-command: command not found"), r.output());
        assertTrue(!r.output().contains("--flag: line 1"), r.output());
        assertTrue(r.output().endsWith("habitat: command 2 failed with exit code 127\n"), r.output());
    }

    @Test
    void quotesAndDollarsReachTheShellAsWritten() throws Exception {
        Run r = run(script("printf '%s|' \"a b\" 'c\"d' \\$e; echo"));
        assertEquals(0, r.exit(), r.output());
        assertEquals("a b|c\"d|$e|\nhabitat: scripts[0] command 1 took #\n", timesHidden(r.output()));
    }

    /** The output with each timing line's seconds replaced by {@code #}, after checking they are in the runner's form. */
    private static String timesHidden(String output) {
        return output.lines().map(l -> {
            java.util.regex.Matcher m = GeneratedFiles.RUNNER_TOOK.matcher(l);
            return m.matches() ? l.substring(0, m.start(3)) + "#" : l;
        }).map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
    }

    @Test
    void eachCommandThatSucceededIsTimed() throws Exception {
        Run r = run(script("sleep 0.3", "true"));
        assertEquals(0, r.exit(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals(2, lines.size(), r.output());
        java.util.regex.Matcher first = GeneratedFiles.RUNNER_TOOK.matcher(lines.get(0));
        assertTrue(first.matches(), lines.get(0));
        assertEquals("scripts[0]", first.group(1));
        double seconds = Double.parseDouble(first.group(3));
        assertTrue(seconds >= 0.3 && seconds < 30, "the sleep is in its time: " + seconds);
    }
}
