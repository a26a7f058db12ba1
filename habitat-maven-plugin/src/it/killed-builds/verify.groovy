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
        support.assertResumesAfterInterruption(name, method, "after-kill-${method}.log".toString())
    }
} finally {
    support.removeSnapshots(name)
}
true
