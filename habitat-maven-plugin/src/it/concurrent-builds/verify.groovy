// Two Maven processes build the same habitat at once: one waits for the other, both succeed, and the
// snapshots end consistent (every label valid: a third build has nothing to do). The overlap is made, not hoped
// for: the first build's script holds until a gate opens, and the gate opens only once the second build says it
// is waiting.
def support = context.get('support')
def name = 'it-concurrent'
int gatePort = context.get('gatePort') // nothing listens there until the gate opens: connections are refused
def gate = null
def start = { String log, List<String> extra ->
    new ProcessBuilder(['mvn', '-B', '-o', '-llr', '-Dmaven.repo.local=' + support.localRepo, 'habitat:build'] + extra)
            .directory(basedir).redirectErrorStream(true).redirectOutput(new File(basedir, log)).start()
}
def waitForLog = { Process p, String log, String text ->
    while (p.alive && !new File(basedir, log).text.contains(text)) {
        Thread.sleep(100)
    }
    assert new File(basedir, log).text.contains(text) : new File(basedir, log).text
}
def a = null
def b = null
try {
    a = start('build-a.log', ['-Dhabitat.rebuild'])
    waitForLog(a, 'build-a.log', '[9-scripts] started') // a holds the lock, its script waits at the gate
    b = start('build-b.log', ['-Dhabitat.rebuild'])
    waitForLog(b, 'build-b.log', 'habitat: waiting for another build of it-concurrent to finish')
    assert !new File(basedir, 'build-a.log').text.contains('BUILD SUCCESS') : 'a is still held at the gate'
    gate = new ServerSocket()
    gate.reuseAddress = true
    gate.bind(new InetSocketAddress(InetAddress.getByName('127.0.0.1'), gatePort), 50)
    Thread.startDaemon { while (!gate.closed) { try { gate.accept().close() } catch (IOException ignored) { } } }
    assert a.waitFor() == 0 : new File(basedir, 'build-a.log').text
    assert b.waitFor() == 0 : new File(basedir, 'build-b.log').text
    def ids = support.snapshotIds(name)
    ids.each { k, v -> assert v != null : "${k} missing" }
    def c = support.mvn(['habitat:build'], 'build-c.log')
    assert c.rc == 0 && c.out.contains('is up to date; nothing to build') : c.out
    // each snapshot is its predecessor plus its own steps: 12-final carries the hashes of 9-scripts
    assert support.label("habitat-${name}:12-final".toString(), 'habitat.hash.scripts') ==
            support.label("habitat-${name}:9-scripts".toString(), 'habitat.hash.scripts')
} finally {
    [a, b].each { if (it != null && it.alive) it.destroyForcibly() }
    gate?.close()
    support.removeSnapshots(name)
}
true
