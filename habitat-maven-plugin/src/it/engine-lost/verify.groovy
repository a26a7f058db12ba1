// The engine goes away mid-build (its connection is cut: a proxy socket in front of the engine is closed
// during the slow script): the build fails saying so, no snapshot of that phase or a later one is tagged,
// and the next build (engine back) cleans up and resumes from the last snapshot; for both methods.
def support = context.get('support')
def name = 'it-engine-lost'
try {
    ['buildkit', 'docker-exec'].each { method ->
        support.removeSnapshots(name)
        def proxy = support.engineProxy(new File(basedir, 'target/engine.sock').path)
        def log = new File(basedir, "lost-${method}.log".toString())
        // -Dhabitat.rebuild: BuildKit's cache must not have the slow step already (it is shared by every build here)
        def p = new ProcessBuilder(['mvn', '-B', '-o', '-llr', '-Dmaven.repo.local=' + support.localRepo, 'habitat:build',
                '-Dhabitat.buildMethod=' + method, '-Dhabitat.rebuild', '-Dhabitat.dockerHost=' + proxy.host])
                .directory(basedir).redirectErrorStream(true).redirectOutput(log).start()
        def seen = false
        for (int i = 0; i < 240 && !seen; i++) {
            Thread.sleep(250)
            seen = log.text.contains('[9-scripts] started')
        }
        assert seen : log.text
        Thread.sleep(2000)
        proxy.kill()
        assert p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) : 'the build ends when the engine is gone'
        def out = log.text
        assert p.exitValue() != 0 : out
        assert out.contains('lost the Docker engine at ' + proxy.host + ' while building 9-scripts') : out
        assert out.contains('Snapshots up to habitat-it-engine-lost:8-tools are kept') : out
        Thread.sleep(3000) // BuildKit notices the closed connection and cancels
        support.assertResumesAfterInterruption(name, method, "after-lost-${method}.log".toString())
        assert support.docker(['run', '--rm', '--entrypoint', 'cat', "habitat-${name}:12-final".toString(), '/home/dev/done.txt']) == 'slow-end'
    }
} finally {
    support.removeSnapshots(name)
}
true
