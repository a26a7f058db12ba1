// Maven killed with SIGKILL mid-build (no shutdown hook runs), for both methods. What the README promises, and
// nothing that depends on how fast the engine is: no partial or stale snapshot is ever tagged (every tag left
// carries the current hashes, and none is of the phase being built or a later one); docker-exec keeps the
// snapshot of every phase before the one it was building (each is committed before the next phase starts);
// BuildKit keeps those whose tag requests the engine had answered; the next build resumes from the newest
// snapshot left (or a newer one, if a requested tag landed after the check), removes what the killed build left
// behind and finishes.
def support = context.get('support')
def name = 'it-killed'
// Waits for the condition, not for a time: the kill comes as soon as the log says the slow phase started.
// -Dhabitat.rebuild: BuildKit's cache must not have the slow step already (it is shared by every build here)
def killDuring = { String method, String log ->
    def logFile = new File(basedir, log)
    def p = new ProcessBuilder(['mvn', '-B', '-o', '-llr', '-Dmaven.repo.local=' + support.localRepo, 'habitat:build',
            '-Dhabitat.buildMethod=' + method, '-Dhabitat.rebuild']).directory(basedir).redirectErrorStream(true)
            .redirectOutput(logFile).start()
    while (p.alive && !logFile.text.contains('[9-scripts] started')) {
        Thread.sleep(100)
    }
    assert p.alive : 'the build reached 9-scripts (its script sleeps 25 s): ' + logFile.text
    support.run(['kill', '-9', String.valueOf(p.pid())])
    p.waitFor()
}
try {
    ['buildkit', 'docker-exec'].each { method ->
        support.removeSnapshots(name)
        killDuring(method, "killed-${method}.log".toString())
        def left = support.assertOnlyValidSnapshotsBefore(name, '9-scripts')
        if (method == 'docker-exec') {
            assert left.containsKey('8-tools') : 'docker-exec commits each phase before the next one starts'
        }
        println "killed-builds: ${method} kept ${left.keySet() ?: 'no snapshot'}"
        support.assertResumesAfterInterruption(name, method, left, "after-kill-${method}.log".toString())
    }
} finally {
    support.removeSnapshots(name)
}
true
