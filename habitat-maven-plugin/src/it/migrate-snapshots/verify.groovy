import groovy.json.JsonSlurper
// docker-exec snapshots move to BuildKit without rebuilding: a BuildKit build resumes from them by itself,
// adopt relabels them, rebuild replaces them, remove removes them. The original tool's snapshots are
// reported and removed but never adopted; images that are not habitat snapshots are never touched.
def support = context.get('support')
def name = 'it-migrate'
def tag = { p -> "habitat-${name}:${p}".toString() }
def original = {
    // a snapshot as the original tool made it: docker commit with its tag scheme and labels (REFERENCE §7.2)
    support.run(['/usr/bin/docker', 'rm', '-f', 'it-migrate-original'])
    support.docker(['create', '--name', 'it-migrate-original', 'habitat-test-base:bookworm', 'true'])
    support.docker(['commit', '--change', 'LABEL habitat.result="pass"', '--change', 'LABEL habitat.timestamp="2025-06-22T10:00:00Z"',
                    '--change', 'LABEL base.hash="a6c216484453"', '--change', 'LABEL final.hash="27b050a119ce"',
                    'it-migrate-original', tag('final')])
    support.docker(['rm', 'it-migrate-original'])
}
try {
    def ids0 = support.snapshotIds(name)
    assert support.label(tag('5-habitat'), 'habitat.method') == 'docker-exec'
    original()
    support.docker(['tag', 'habitat-test-base:bookworm', tag('custom')])
    support.docker(['tag', 'habitat-test-base:bookworm', 'it-migrate-unrelated:keep'])

    // option B: a BuildKit build finds the valid docker-exec snapshots and starts from them
    new File(basedir, 'src/main/habitat/files/app.conf').text = 'v = 2\n'
    def b = support.mvn(['habitat:build', '-Dhabitat.buildMethod=buildkit'], 'build-buildkit.log')
    assert b.rc == 0 : b.out
    assert b.out.contains('resuming from snapshot habitat-it-migrate:5-habitat')
    assert b.out.contains('habitat-it-migrate:5-habitat was made by the docker-exec method; its hashes match, so this buildkit build starts from it')
    def ids1 = support.snapshotIds(name)
    ['1-base', '2-users', '3-env', '4-workdir', '5-habitat'].each { assert ids1[it] == ids0[it] : "${it} was rebuilt" }
    assert ids1['6-files'] != ids0['6-files'] && support.label(tag('6-files'), 'habitat.method') == 'buildkit'

    // report (JSON): who made what, valid or not, what each mode would do
    def r = support.mvn(['habitat:migrate-snapshots', '-Dhabitat.format=json', '-Dhabitat.output=target/report.json'], 'report.log')
    assert r.rc == 0 : r.out
    def report = new JsonSlurper().parse(new File(basedir, 'target/report.json'))
    def byTag = report.snapshots.collectEntries { [(it.tag): it] }
    assert byTag[tag('5-habitat')].maker == 'docker-exec' && byTag[tag('5-habitat')].valid && byTag[tag('5-habitat')].adopt == 'adopt (relabel)'
    assert byTag[tag('12-final')].maker == 'buildkit' && byTag[tag('12-final')].valid
    assert byTag[tag('final')].maker == 'original' && !byTag[tag('final')].valid && byTag[tag('final')].adopt.startsWith('never')
    assert byTag[tag('final')].remove == 'remove'
    assert byTag[tag('custom')].maker == 'other' && byTag[tag('custom')].remove == 'keep'
    def text = support.mvn(['habitat:migrate-snapshots'], 'report-text.log')
    assert text.rc == 0 && text.out =~ /habitat-it-migrate:5-habitat\s+\w{12}\s+this plugin, docker-exec method\s+valid/ : text.out

    // adopt: the docker-exec snapshots become BuildKit's; the original's is left alone
    def a = support.mvn(['habitat:migrate-snapshots', '-Dhabitat.migrate.mode=adopt'], 'adopt.log')
    assert a.rc == 0 : a.out
    assert a.out.contains('adopted habitat-it-migrate:1-base') && a.out.contains('adopted 5 docker-exec snapshot(s)')
    ['1-base', '5-habitat'].each {
        assert support.label(tag(it), 'habitat.method') == 'buildkit'
        assert support.label(tag(it), 'habitat.adopted-from') == 'docker-exec'
    }
    assert support.label(tag('final'), 'habitat.result') == 'pass' && support.label(tag('final'), 'habitat.method') == ''
    def again = support.mvn(['habitat:build'], 'build-after-adopt.log')
    assert again.rc == 0 && again.out.contains('is up to date; nothing to build') : again.out

    // rebuild: everything again with BuildKit; the original tool's snapshot goes
    def rb = support.mvn(['habitat:migrate-snapshots', '-Dhabitat.migrate.mode=rebuild'], 'rebuild.log')
    assert rb.rc == 0 : rb.out
    assert rb.out.contains('rebuilding every phase') && rb.out.contains('removed habitat-it-migrate:final (the original JavaScript tool)')
    assert support.imageId(tag('final')) == null
    assert support.label(tag('1-base'), 'habitat.adopted-from') == ''

    // remove: every snapshot of this habitat by this plugin or the original tool, nothing else
    original()
    def rm = support.mvn(['habitat:migrate-snapshots', '-Dhabitat.migrate.mode=remove'], 'remove.log')
    assert rm.rc == 0 : rm.out
    support.snapshotIds(name).each { k, v -> assert v == null : "${k} still there" }
    assert support.imageId(tag('final')) == null
    assert support.imageId(tag('custom')) != null : 'not a habitat snapshot: kept'
    assert support.imageId('it-migrate-unrelated:keep') != null
    assert support.imageId('habitat-test-base:bookworm') != null
} finally {
    support.run(['/usr/bin/docker', 'rmi', tag('custom'), 'it-migrate-unrelated:keep'])
    support.removeSnapshots(name)
}
true
