package dev.habitat.core.method.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.habitat.core.Fixture;
import dev.habitat.core.plan.Operation;
import dev.habitat.core.plan.StageGraph;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker-exec keeps each repository's git mirror in a volume of its own, where the clone script looks for it. */
class ExecGitCacheTest {
    @TempDir
    Path dir;

    @Test
    void oneVolumePerRepositoryMountedWhereTheCloneScriptUsesIt() {
        StageGraph graph = new Fixture(dir).write("habitat/config.yaml", Fixture.MINIMAL + """
                repos:
                  - {url: https://h.invalid/a.git, path: /workspace/a, shallow: false}
                  - {url: https://h.invalid/b.git, path: /workspace/b, shallow: false}
                  - {url: https://h.invalid/c.git, path: /workspace/c}
                """).plan().graph();
        List<String> caches = graph.stages().stream().flatMap(s -> s.operations().stream())
                .filter(op -> op instanceof Operation.CloneRepo c && !c.repo().shallow())
                .map(op -> ((Operation.CloneRepo) op).gitCache()).toList();
        assertEquals(2, caches.stream().distinct().count(), caches.toString());
        assertEquals(caches.stream().map(c -> c + ":/var/cache/habitat-git/" + c).toList(), ExecMethod.gitCacheBinds(graph),
                "no volume shared by every habitat (habitat-git-cache), none for the shallow clone");
    }
}
