// docker-exec: failure report and resume (with the volume mounted when resuming: the original's BUG-7),
// build containers removed on failure, on success, on SIGTERM, and leftovers of a killed build removed by
// the next build, without touching anything else.
def support = context.get('support')
def name = 'it-exec-failures'
def log1 = new File(basedir, 'build.log').text
assert log1.contains('habitat: build method docker-exec')
assert log1.contains('habitat: the build container mounts config volumes read-only (build_mount: true)') : 'an opted-in volume is named'
assert log1.contains('habitat: phase 9-scripts (stage scripts, scripts[0] [dev] echo "volume says $(cat /mnt/shared/marker)") failed with exit code 3')
assert log1.contains('command: echo "about to fail"; exit 3')
assert log1 =~ /last output:\s+(\[ERROR\]\s+)?volume says mounted\s+(\[ERROR\]\s+)?about to fail/
def ids1 = support.snapshotIds(name)
assert ids1['8-tools'] != null && ids1['9-scripts'] == null && ids1['12-final'] == null
assert support.buildContainers(name).isEmpty() : 'removed after a failure'
assert support.label("habitat-${name}:8-tools".toString(), 'habitat.method') == 'docker-exec'

// A leftover of a killed build, and a container that is not ours.
support.docker(['create', '--name', "habitat-build-${name}-deadbeef".toString(), 'habitat-test-base:bookworm', 'true'])
support.docker(['create', '--name', "unrelated-${name}".toString(), 'habitat-test-base:bookworm', 'true'])
try {
    def r2 = support.mvn(['habitat:build', '-Dhabitat.config=src/main/habitat/fixed.yaml', '-Dhabitat.verbose'], 'build-2.log')
    assert r2.rc == 0 : r2.out
    assert r2.out.contains('resuming from snapshot habitat-it-exec-failures:8-tools')
    assert r2.out.contains('removing build container') && r2.out.contains('left by an earlier build of it-exec-failures')
    assert r2.out.contains('scripts | volume says mounted') : 'the volume is mounted when resuming from a snapshot'
    assert support.buildContainers(name).isEmpty()
    assert support.run(['/usr/bin/docker', 'inspect', "unrelated-${name}".toString()]).rc == 0 : 'other containers are untouched'
    assert support.snapshotIds(name)['12-final'] != null
    assert support.docker(['run', '--rm', '--entrypoint', 'ls', "habitat-${name}:12-final".toString(), '/mnt/shared']) == '' : 'volume content is never committed'

    // SIGTERM (what Ctrl-C does to Maven) while a script runs: the build container goes with it.
    def pb = new ProcessBuilder(['mvn', '-B', '-o', '-llr', '-Dmaven.repo.local=' + support.localRepo, 'habitat:build',
            '-Dhabitat.config=src/main/habitat/slow.yaml']).directory(basedir).redirectErrorStream(true)
            .redirectOutput(new File(basedir, 'build-3.log'))
    def p = pb.start()
    def seen = false
    while (p.alive && !seen) {
        Thread.sleep(100)
        seen = new File(basedir, 'build-3.log').text.contains('[9-scripts] started') && !support.buildContainers(name).isEmpty()
    }
    assert seen : 'the slow build reached its scripts: ' + new File(basedir, 'build-3.log').text
    p.destroy() // SIGTERM, while the build container exists
    assert p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS) : 'Maven ends after SIGTERM'
    for (int i = 0; i < 600 && !support.buildContainers(name).isEmpty(); i++) {
        Thread.sleep(100) // a forced removal the engine is still finishing
    }
    assert support.buildContainers(name).isEmpty() : 'the build container is removed when Maven is stopped'
} finally {
    support.run(['/usr/bin/docker', 'rm', '-f', "unrelated-${name}".toString(), "habitat-build-${name}-deadbeef".toString()])
    support.removeSnapshots(name)
}
true
