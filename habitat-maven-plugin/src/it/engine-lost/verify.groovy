// The engine goes away mid-build (its connection is cut: a proxy socket in front of the engine is closed
// during the slow script): the build fails saying so and naming the newest snapshot it kept, no snapshot of that
// phase or a later one is tagged, and the next build (engine back) cleans up and resumes; for both methods. Nothing
// here depends on how fast the engine is: the cut comes when the log says the slow phase started, and the
// snapshots kept are checked against what the engine holds (see killed-builds for what a cut may leave).
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
        while (p.alive && !log.text.contains('[9-scripts] started')) {
            Thread.sleep(100)
        }
        assert p.alive : 'the build reached 9-scripts (its script sleeps 25 s): ' + log.text
        proxy.kill()
        assert p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) : 'the build ends when the engine is gone'
        def out = log.text
        assert p.exitValue() != 0 : out
        assert out.contains('lost the Docker engine at ' + proxy.host + ' while building 9-scripts') : out
        def left = support.assertOnlyValidSnapshotsBefore(name, '9-scripts')
        def kept = (out =~ /Snapshots up to habitat-it-engine-lost:(\S+) are kept/)
        if (method == 'docker-exec') {
            assert left.containsKey('8-tools') && kept.find() && kept.group(1) == '8-tools' : out
        } else if (kept.find()) {
            // the message names what the plugin saw tagged; a tag requested just before the cut may land later
            assert left.containsKey(kept.group(1)) : out
        } else {
            assert out.contains('No snapshot was kept') : out
        }
        support.assertResumesAfterInterruption(name, method, left, "after-lost-${method}.log".toString())
        assert support.docker(['run', '--rm', '--entrypoint', 'cat', "habitat-${name}:12-final".toString(), '/home/dev/done.txt']) == 'slow-end'
    }
} finally {
    support.removeSnapshots(name)
}
true
