// Two Maven processes build the same habitat at once: one waits for the other, both succeed, and the
// snapshots end consistent (every label valid: a third build has nothing to do).
def support = context.get('support')
def name = 'it-concurrent'
def start = { String log, List<String> extra ->
    new ProcessBuilder(['mvn', '-B', '-o', '-llr', '-Dmaven.repo.local=' + support.localRepo, 'habitat:build'] + extra)
            .directory(basedir).redirectErrorStream(true).redirectOutput(new File(basedir, log)).start()
}
try {
    def a = start('build-a.log', ['-Dhabitat.rebuild'])
    def b = start('build-b.log', ['-Dhabitat.rebuild'])
    assert a.waitFor() == 0 : new File(basedir, 'build-a.log').text
    assert b.waitFor() == 0 : new File(basedir, 'build-b.log').text
    def logs = new File(basedir, 'build-a.log').text + new File(basedir, 'build-b.log').text
    assert logs.contains('habitat: waiting for another build of it-concurrent to finish')
    def ids = support.snapshotIds(name)
    ids.each { k, v -> assert v != null : "${k} missing" }
    def c = support.mvn(['habitat:build'], 'build-c.log')
    assert c.rc == 0 && c.out.contains('is up to date; nothing to build') : c.out
    // each snapshot is its predecessor plus its own steps: 12-final carries the hashes of 9-scripts
    assert support.label("habitat-${name}:12-final".toString(), 'habitat.hash.scripts') ==
            support.label("habitat-${name}:9-scripts".toString(), 'habitat.hash.scripts')
} finally {
    support.removeSnapshots(name)
}
true
