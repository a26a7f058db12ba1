// A builds and pushes; B, empty, whose docker socket has another group than A's, pulls everything and builds no
// phase: it applies only its machine step (its socket's group) on A's 12-final, whose hashes depend on no machine; a
// file change on B rebuilds from 6-files only and B pushes; A then pulls B's newer snapshots (and applies its own
// machine step). The further engines (the containerd image store, Podman) do as B: pull everything and apply their
// machine step, resume a change of their own from a pulled 5-habitat and push it, and A pulls what they pushed. Then the
// faults: refused credentials (one line, nothing pushed), an unreachable registry (pull: a warning and a local
// build; push: the goal fails, the local snapshots stay valid), a push cut mid-way (no tag names a partial image;
// the next push completes it).
def support = context.get('support')
String reference = context.get('reference')
def registry = context.get('registry')
String host = context.get('host')
def onA = [DOCKER_HOST: reference]
def onB = [DOCKER_HOST: context.get('hostB'), DOCKER_CONFIG: context.get('dockerConfig')]
int gidA = context.get('gidA')
int gidB = context.get('gidB')
List<Map> others = context.get('others')
def name = 'it-shared'
def repo = "team/habitat-${name}".toString()
def fin = "habitat-${name}:12-final".toString()
def appConf = new File(basedir, 'src/main/habitat/files/app.conf')
// a change of app.conf, unique to this run: BuildKit's cache on an engine may hold the states of an earlier run
def nonce = System.nanoTime()
def change = { String what -> appConf.text = "shared = ${what} (run ${nonce})\n" }
def phases = ['1-base', '2-users', '3-env', '4-workdir', '5-habitat', '6-files', '7-repos', '8-tools', '9-scripts', '10-verify', '11-test', '12-final']
// each phase's status in the build's report.json
def statuses = { -> new groovy.json.JsonSlurper().parse(new File(basedir, "target/habitat/${name}/report.json")).phases.collectEntries { [(it.phase): it.status] } }
// an image's layers (diff ids), labels and env on an engine; the ids themselves differ between the overlay2 store (the
// config's digest) and the containerd store (the manifest's)
def content = { Map env, String image ->
    new groovy.json.JsonSlurper().parseText(support.dockerWith(env, ['image', 'inspect', '-f',
            '{"layers":{{json .RootFS.Layers}},"labels":{{json .Config.Labels}},"env":{{json .Config.Env}}}', image]))
}
def machineLabel = 'habitat.machine.docker-gid'
// the label's value for a socket group (a socket of group root is no machine fact)
def gidLabel = { int gid -> gid == 0 ? 'none' : "${gid}".toString() }
// the image `from` made, with the machine step of `to` on top: its layers and one more (the group files), the same
// env, every label the same (the hashes too) but the machine's, which is `to`'s socket group
def regroupedFrom = { Map from, int gidFrom, Map to, int gidTo ->
    def f = content(from, fin)
    def t = content(to, fin)
    assert f.labels[machineLabel] == gidLabel(gidFrom) && t.labels[machineLabel] == gidLabel(gidTo) : "${f.labels} / ${t.labels}"
    assert t.layers.size() == f.layers.size() + 1 && t.layers.take(f.layers.size()) == f.layers : "one layer on top: ${f.layers} / ${t.layers}"
    assert t.env == f.env
    def rest = { Map l -> l.findAll { it.key != machineLabel && it.key != 'habitat.method' } }
    assert rest(t.labels) == rest(f.labels)
    true
}
// the file tree of the final image, but the group files (they hold the docker group, which follows the socket) and
// what belongs to the engine's runtime, as engine-equivalence leaves it out: "/" itself (Podman runs containers with a
// 555 root) and /.dockerenv (Docker's marker file)
def groupFiles = ['/etc/group', '/etc/group-', '/etc/gshadow', '/etc/gshadow-']
def treeBesidesGroups = { Map env -> support.treeOn(env, fin).findAll { line -> !groupFiles.any { line.startsWith('digest ') && line.endsWith('  ' + it) } &&
        !(line ==~ /^entry \/\|.*/) && !line.startsWith('entry /.dockerenv|') && !line.endsWith(' /.dockerenv') } }
def dockerGroupOf = { Map env -> support.dockerWith(env, ['run', '--rm', '--entrypoint', '/bin/sh', fin, '-c', 'id -G dev']).tokenize() }
def containerdStore = { Map env -> support.dockerWith(env, ['info', '--format', '{{json .DriverStatus}}']).contains('io.containerd.snapshotter') }
boolean containerdStoreB = containerdStore([:])
def build = { String log, Map env, List<String> extra = [] ->
    def r = support.mvn(['habitat:build', '-s', context.get('settingsGood')] + extra, log, env)
    assert !r.out.contains('shared-s3cret') : "${log}: the registry password is never printed"
    r
}
try {
    // A builds from scratch and pushes every snapshot
    def a1 = build('a1-build-push.log', onA, ['-Dhabitat.push', "-Dhabitat.image=${host}/team/dev-env:1".toString()])
    assert a1.rc == 0 : a1.out
    // the final image under the user's name, pushed too
    assert a1.out.contains("habitat: tagged ${fin} as ${host}/team/dev-env:1") && a1.out.contains("habitat: pushed ${host}/team/dev-env:1")
    assert registry.tags('team/dev-env') == ['1']
    assert registry.incompleteTags('team/dev-env').isEmpty()
    assert a1.out.contains("at ${reference}")
    assert statuses().values().every { it == 'built' || it == 'cached' } : statuses()
    def pushed = registry.tags(repo)
    assert pushed.size() == 10 : pushed
    assert pushed.every { it ==~ /\d+-[a-z]+-linux-[a-z0-9]+-[0-9a-f]{16}/ } : "content-addressed tags <phase>-<os>-<arch>-<hash>: ${pushed}"
    assert registry.incompleteTags(repo).isEmpty()

    // B, with no snapshot of the habitat and another socket group, pulls the final snapshot by its hash (which no
    // machine enters) and the earlier ones: no phase is built, only B's machine step runs on A's 12-final
    assert support.snapshotIds(name).values().every { it == null } : 'B starts empty'
    def t0 = System.nanoTime()
    def b1 = build('b1-pull.log', onB)
    println "[registry-sharing] B's pull and machine step took ${(System.nanoTime() - t0).intdiv(1000000)} ms"
    assert b1.rc == 0 : b1.out
    assert b1.out.contains("habitat: pulled 12-final from ${host}/${repo}:12-final-") : b1.out
    assert b1.out.contains("habitat: habitat-${name}:12-final has the current hashes but was made for another machine "
            + "(${machineLabel} is ${gidA}, here ${gidB}): applying only the machine step") : b1.out
    assert !b1.out.contains('does not carry the hashes') : 'the pulled 12-final is accepted'
    assert b1.out =~ /habitat: \[12-final\] regrouped in [0-9.]+s -> habitat-it-shared:12-final/ : b1.out
    assert !(b1.out =~ /\[(?!12-final)[0-9]+-[a-z]+\] (started|built|cached)/) : 'zero phases built'
    assert !b1.out.contains('first stale phase') && !b1.out.contains('[10-verify]') && !b1.out.contains('[11-test]') : b1.out
    // verify and test have no snapshot to pull: they passed when 12-final was built, and do not run again
    assert statuses() == phases.collectEntries { [(it): it in ['10-verify', '11-test'] ? 'passed' : it == '12-final' ? 'regrouped' : 'pulled'] } : statuses()
    assert regroupedFrom(onA, gidA, [:], gidB) : 'the very image A built, with B\'s machine step on top'
    def treeA = treeBesidesGroups(onA)
    assert treeA.size() > 1000
    assert treeBesidesGroups([:]) == treeA
    assert dockerGroupOf([:]).contains("${gidB}".toString()) && !dockerGroupOf([:]).contains("${gidA}".toString()) :
            "dev is in B's socket group only, not in A's as well: ${dockerGroupOf([:])}"
    // The further engines (the containerd store, Podman), each empty and with another socket group than A's, do as B:
    // A's 12-final is pulled whole and only the engine's machine step runs
    others.each { o ->
        def x0 = System.nanoTime()
        def x1 = build("${o.name}-1-pull.log", o.env)
        println "[registry-sharing] ${o.name}'s pull and machine step took ${(System.nanoTime() - x0).intdiv(1000000)} ms"
        assert x1.rc == 0 : x1.out
        assert x1.out.contains("habitat: pulled 12-final from ${host}/${repo}:12-final-") : x1.out
        assert x1.out.contains("(${machineLabel} is ${gidA}, here ${gidLabel(o.gid)}): applying only the machine step") : x1.out
        assert !(x1.out =~ /\[(?!12-final)[0-9]+-[a-z]+\] (started|built|cached)/) : "${o.name}: zero phases built"
        assert statuses() == phases.collectEntries { [(it): it in ['10-verify', '11-test'] ? 'passed' : it == '12-final' ? 'regrouped' : 'pulled'] } : statuses()
        assert regroupedFrom(onA, gidA, o.env, o.gid) : "the very image A built, with ${o.name}'s machine step on top"
        assert treeBesidesGroups(o.env) == treeA
        assert support.dockerWith(o.env, ['run', '--rm', fin]).contains('shared = 1')
    }

    // B again: its 12-final is its machine's now, nothing to do
    def b1again = build('b1-again.log', onB)
    assert b1again.rc == 0 && b1again.out.contains('is up to date; nothing to build') : b1again.out
    def onB1 = support.snapshotIds(name)
    assert onB1['12-final'] != null && onB1.findAll { it.key != '12-final' }.values().every { it == null } :
            "only the newest snapshot is pulled (it holds the earlier phases' layers): ${onB1}"
    assert support.docker(['images', '--format', '{{.Repository}}']).readLines().every { !it.startsWith(host) } : 'no registry names left on B'

    // a file change on B rebuilds from 6-files only (5-habitat is pulled then, its layers already on B), and B pushes
    // the new snapshots
    change('2, changed on B')
    def b2 = build('b2-change-push.log', onB, ['-Dhabitat.push'])
    assert b2.rc == 0 : b2.out
    def s2 = statuses()
    assert phases.take(5).every { s2[it] == 'pulled' } : s2
    assert b2.out.contains("habitat: pulled 5-habitat from ${host}/${repo}:5-habitat-") && b2.out.contains('(0.0 MB downloaded') : b2.out
    if (containerdStoreB) {
        // the containerd store leaves out of a pull the blobs of layers it has unpacked already (the base loaded here):
        // the phases after a pulled snapshot are built in containers (docker-exec), which need only the unpacked layers
        assert b2.out.contains("habitat: habitat-${name}:5-habitat stands on layers pulled into the containerd image store") : b2.out
        assert b2.out.contains('habitat: build method docker-exec') : b2.out
    }
    assert phases.drop(5).every { s2[it] == 'built' || s2[it] == 'cached' } : s2
    assert s2['6-files'] == 'built'
    assert b2.out.contains("habitat: pushed 6-files -> ${host}/${repo}:6-files-")
    assert registry.tags(repo).size() == 15 : 'five new states (6-files to 9-scripts and 12-final) beside the first ten'

    // A pulls B's newer snapshots: 6-files and later come from the registry, 1-5 are A's own; B's 12-final gets A's
    // machine step
    def a2 = build('a2-pull.log', onA)
    assert a2.rc == 0 : a2.out
    def sA = statuses()
    assert phases.take(5).every { sA[it] == 'snapshot' } && phases.drop(5).every { sA[it] == (it in ['10-verify', '11-test'] ? 'passed'
            : it == '12-final' ? 'regrouped' : 'pulled') } : sA
    assert regroupedFrom([:], gidB, onA, gidA)
    assert treeBesidesGroups(onA) == treeBesidesGroups([:])
    assert support.dockerWith(onA, ['run', '--rm', fin]).contains('changed on B')

    // migrate-snapshots lists the registry's snapshots too: the current state's ten and the first state's five others
    def listing = support.mvn(['-q', 'habitat:migrate-snapshots', '-Dhabitat.format=json', '-s', context.get('settingsGood')], 'a2-report.log', onA)
    assert listing.rc == 0 : listing.out
    def reg = new groovy.json.JsonSlurper().parseText(listing.out.substring(listing.out.indexOf('{'))).registry
    assert reg.repository == "${host}/${repo}".toString() && reg.problem == null
    assert reg.snapshots*.tag.sort() == registry.tags(repo)
    assert reg.snapshots.count { it.current } == 10 && reg.snapshots.count { !it.current } == 5 : reg.snapshots

    // The further engines, each with a change of its own: it resumes from a pulled 5-habitat and is pushed; A pulls it
    others.each { o ->
        change("changed on ${o.name}")
        def x2 = build("${o.name}-2-change-push.log", o.env, ['-Dhabitat.push'])
        assert x2.rc == 0 : x2.out
        def sx = statuses()
        assert phases.take(5).every { sx[it] == 'pulled' } && sx['6-files'] == 'built' : sx
        assert phases.drop(5).every { sx[it] == 'built' || sx[it] == 'cached' } : sx
        assert x2.out.contains("habitat: pulled 5-habitat from ${host}/${repo}:5-habitat-") && x2.out.contains('(0.0 MB downloaded') : x2.out
        if (containerdStore(o.env)) {
            assert x2.out.contains("habitat: habitat-${name}:5-habitat stands on layers pulled into the containerd image store") : x2.out
            assert x2.out.contains('habitat: build method docker-exec') : x2.out
        }
        assert x2.out.contains("habitat: pushed 6-files -> ${host}/${repo}:6-files-") && x2.out.contains("habitat: pushed 12-final -> ") : x2.out
        assert registry.incompleteTags(repo).isEmpty()

        def ax = build("a-pulls-${o.name}.log", onA)
        assert ax.rc == 0 && ax.out.contains('habitat: pulled 12-final') : ax.out
        assert statuses()['12-final'] == 'regrouped' : statuses()
        assert regroupedFrom(o.env, o.gid, onA, gidA) : "what ${o.name} built, with A's machine step on top"
        assert treeBesidesGroups(onA) == treeBesidesGroups(o.env)
        assert support.dockerWith(onA, ['run', '--rm', fin]).contains("changed on ${o.name}")
    }

    // refused credentials: one line naming the registry and the settings.xml server; nothing is pushed
    change('3')
    def tagsBefore = registry.tags(repo)
    def wrong = support.mvn(['habitat:build', '-Dhabitat.push', '-s', context.get('settingsWrong')], 'a3-wrong-credentials.log', onA)
    assert wrong.rc != 0
    def errorLines = wrong.out.readLines().findAll { it.contains('habitat: the registry') }
    assert errorLines.size() == 1 : wrong.out
    assert errorLines[0].contains("registry ${host} said unauthorized") && errorLines[0].contains("<id>${host}</id>") : errorLines[0]
    assert !wrong.out.contains('wrong-password')
    assert registry.tags(repo) == tagsBefore : 'nothing pushed'

    // the registry unreachable: a pull warns once and the build goes on locally
    registry.down()
    def b3 = build('b3-unreachable-pull.log', onB)
    assert b3.rc == 0 : b3.out
    assert b3.out.readLines().count { it.contains("the registry ${host} cannot be reached") } == 1 : b3.out
    assert statuses()['6-files'] == 'built'
    // ... and a push fails naming the registry, while the local snapshots stay valid
    change('4')
    def b4 = build('b4-unreachable-push.log', onB, ['-Dhabitat.push'])
    assert b4.rc != 0
    assert b4.out.contains("to the registry ${host} failed") && b4.out.contains('The local snapshots stay valid') : b4.out
    def b5 = build('b5-local-after-failed-push.log', onB)
    assert b5.rc == 0 && b5.out.contains('is up to date; nothing to build') : b5.out

    // a push cut mid-way, in the 4 MB layer of 6-files: no tag names a partial image, and the next push completes
    registry.up()
    change('5')
    new File(basedir, 'src/main/habitat/files/data.bin').bytes = new byte[4 * 1024 * 1024].with { new Random(5).nextBytes(it); it }
    // (built with docker-exec: the registry side is the same for both methods, and A pulls what it made)
    def b6 = build('b6-build-docker-exec.log', onB, ['-Dhabitat.buildMethod=docker-exec'])
    assert b6.rc == 0 && b6.out.contains('habitat: build method docker-exec') : b6.out
    registry.cutAfter(1024 * 1024)
    def cut = build('b7-cut-push.log', onB, ['-Dhabitat.push'])
    assert cut.rc != 0 : cut.out
    assert cut.out.contains("to the registry ${host} failed") : cut.out
    def afterCut = registry.tags(repo)
    assert registry.incompleteTags(repo).isEmpty() : 'every tag names a whole image'
    registry.up()
    def resumed = build('b8-push-again.log', onB, ['-Dhabitat.push'])
    assert resumed.rc == 0 : resumed.out
    assert registry.tags(repo).size() > afterCut.size() : 'the next push completed what the cut one left'
    assert registry.incompleteTags(repo).isEmpty()
    // and what it pushed is the habitat: A pulls it
    def a4 = build('a4-pull-after-cut.log', onA)
    assert a4.rc == 0 && a4.out.contains('habitat: pulled 12-final') : a4.out
    assert regroupedFrom([:], gidB, onA, gidA) : 'what B built with docker-exec, with A\'s machine step on top'
    assert statuses()['12-final'] == 'regrouped' : statuses()

    support.removeSnapshots(name)
    support.removeSnapshotsOn(onA, name)
    others.each { support.removeSnapshotsOn(it.env, name) }
} finally {
    support.stopServers()
}
true
