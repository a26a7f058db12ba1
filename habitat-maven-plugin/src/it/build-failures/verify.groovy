// A failing script names its phase, command, exit code and output, and keeps earlier snapshots; the
// fixed config resumes at scripts. A failing test leaves no final snapshot. No engine: a clear error.
def support = context.get('support')
def name = 'it-failures'
def log1 = new File(basedir, 'build.log').text
assert log1.contains('habitat: phase 9-scripts (stage scripts, scripts[0] [dev] echo first command fine) failed with exit code 3')
assert log1 =~ /command: echo "about to fail"\s+\S*\s*exit 3/
// the output in order, the runner's failure line last (same stream: its order holds on every BuildKit)
assert log1 =~ /last output:\s+(\[ERROR\]\s+)?first command fine\s+(\[ERROR\]\s+)?about to fail\s+(\[ERROR\]\s+)?habitat: command 2 failed with exit code 3/
assert log1.contains('habitat: [9-scripts] failed')
def ids1 = support.snapshotIds(name)
assert ids1['8-tools'] != null : '8-tools stays'
assert ids1['9-scripts'] == null && ids1['12-final'] == null

// the user edits config.yaml (each variant is copied over it): the file itself reaches the image in the final
// phase only, so an edit starts at the first phase whose inputs it changes
def edit = { String variant ->
    new File(basedir, 'src/main/habitat/config.yaml').text = new File(basedir, "src/main/habitat/${variant}").text
}
edit('fixed.yaml')
def r2 = support.mvn(['habitat:build'], 'build-2.log')
assert r2.rc == 0 : r2.out
assert r2.out.contains('first stale phase is 9-scripts')
assert r2.out.contains('resuming from snapshot habitat-it-failures:8-tools')
assert !r2.out.contains('[8-tools] started')
def ids2 = support.snapshotIds(name)
assert ids2['8-tools'] == ids1['8-tools'] && ids2['12-final'] != null

edit('failing-test.yaml')
def r3 = support.mvn(['habitat:build'], 'build-3.log')
assert r3.rc != 0
assert r3.out.contains('habitat: phase 11-test (stage test, tests: 2 script(s) as dev) failed with exit code 1')
assert r3.out.contains("command: cd '/habitat/local' && bash 'tests/fail.sh'")
assert r3.out.contains('not ok 1 - the habitat is broken')
def ids3 = support.snapshotIds(name)
assert ids3['12-final'] == null : 'a failing test leaves no final snapshot'
assert ids3['9-scripts'] == ids2['9-scripts']

edit('fixed.yaml')
def r4 = support.mvn(['habitat:build', '-Dhabitat.dockerHost=unix:///nonexistent/docker.sock'], 'build-4.log')
assert r4.rc != 0
assert r4.out.contains('No Docker engine answers at unix:///nonexistent/docker.sock')
assert r4.out.contains('-Dhabitat.dockerHost=')
// the config's timeout stops a hanging script, naming the phase
edit('slow.yaml')
def r5 = support.mvn(['habitat:build'], 'build-5.log')
assert r5.rc != 0
assert r5.out.contains('habitat: phase 9-scripts (stage scripts, scripts[0] [dev] echo first command fine, timed out after 3s (the config\'s timeout for scripts)) failed with exit code 124') : r5.out
support.removeSnapshots(name)
true
