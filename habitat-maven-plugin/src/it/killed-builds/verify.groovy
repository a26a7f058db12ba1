// Maven killed with SIGKILL mid-build (no shutdown hook runs): no partial snapshot is tagged, and the next
// build cleans up what was left and resumes from the last snapshot; for both methods.
def support = context.get('support')
def name = 'it-killed'
// -Dhabitat.rebuild: BuildKit's cache must not have the slow step already (it is shared by every build here)
def killDuring = { String method, String log ->
    def p = new ProcessBuilder(['mvn', '-B', '-o', '-llr', '-Dmaven.repo.local=' + support.localRepo, 'habitat:build',
            '-Dhabitat.buildMethod=' + method, '-Dhabitat.rebuild']).directory(basedir).redirectErrorStream(true)
            .redirectOutput(new File(basedir, log)).start()
    def seen = false
    for (int i = 0; i < 240 && !seen; i++) {
        Thread.sleep(250)
        seen = new File(basedir, log).text.contains('[9-scripts] started')
    }
    assert seen : new File(basedir, log).text
    Thread.sleep(2000)
    support.run(['kill', '-9', String.valueOf(p.pid())])
    p.waitFor()
}
try {
    ['buildkit', 'docker-exec'].eachWithIndex { method, i ->
        support.removeSnapshots(name)
        killDuring(method, "killed-${method}.log".toString())
        def ids = support.snapshotIds(name)
        assert ids['8-tools'] != null : 'earlier snapshots stay'
        assert ids['9-scripts'] == null && ids['12-final'] == null : 'no partial snapshot is tagged'
        def r = support.mvn(['habitat:build', '-Dhabitat.buildMethod=' + method], "after-kill-${method}.log".toString())
        assert r.rc == 0 : r.out
        assert r.out.contains('resuming from snapshot habitat-it-killed:8-tools')
        if (method == 'docker-exec') {
            assert r.out.contains('removing build container') : 'the killed build left its container; the next build removes it'
        }
        assert support.buildContainers(name).isEmpty()
        assert support.snapshotIds(name)['12-final'] != null
    }
} finally {
    support.removeSnapshots(name)
}
true
