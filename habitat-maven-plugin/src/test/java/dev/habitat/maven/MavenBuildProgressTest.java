package dev.habitat.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.habitat.core.Phase;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.monitor.logging.DefaultLog;
import org.codehaus.plexus.logging.AbstractLogger;
import org.codehaus.plexus.logging.Logger;
import org.junit.jupiter.api.Test;

class MavenBuildProgressTest {
    /** Maven's log over a logger that keeps the info lines. */
    private static final class Recorded extends AbstractLogger {
        final List<String> infos = new ArrayList<>();

        Recorded() {
            super(Logger.LEVEL_INFO, "test");
        }

        public void debug(String m, Throwable t) {}

        public void info(String m, Throwable t) {
            infos.add(m);
        }

        public void warn(String m, Throwable t) {}

        public void error(String m, Throwable t) {}

        public void fatalError(String m, Throwable t) {}

        public Logger getChildLogger(String name) {
            return this;
        }
    }

    @Test
    void aLongCommandGetsALineOfItsOwnWithoutVerboseOutput() {
        Recorded logger = new Recorded();
        MavenBuildProgress progress = new MavenBuildProgress(new DefaultLog(logger), false);
        progress.output(Phase.SCRIPTS, "scripts", "Setting up build-essential (12.9) ...");
        progress.output(Phase.SCRIPTS, "scripts", "habitat: scripts[0] command 1 took 0.250 s");
        progress.output(Phase.SCRIPTS, "scripts", "habitat: scripts[0] command 2 took 42.125 s");
        assertEquals(List.of("habitat: [9-scripts] scripts[0] command 2 took 42.125 s"), logger.infos);
    }

    @Test
    void verboseShowsEveryLineIndentedAndNoExtraLine() {
        Recorded logger = new Recorded();
        MavenBuildProgress progress = new MavenBuildProgress(new DefaultLog(logger), true);
        progress.output(Phase.SCRIPTS, "scripts", "habitat: scripts[0] command 2 took 42.125 s");
        assertEquals(List.of("    scripts | habitat: scripts[0] command 2 took 42.125 s"), logger.infos);
    }

    @Test
    void aStepNoticeGetsALineWithoutVerboseOutput() {
        Recorded logger = new Recorded();
        MavenBuildProgress progress = new MavenBuildProgress(new DefaultLog(logger), false);
        progress.output(Phase.REPOS, "repos-clone-0", "Cloning into '/src/r'...");
        progress.output(Phase.REPOS, "repos-clone-0", "habitat: note: http://h/r.git is served by a dumb HTTP server");
        assertEquals(List.of("habitat: [7-repos] http://h/r.git is served by a dumb HTTP server"), logger.infos);
    }
}
