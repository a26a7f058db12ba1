// A feature-rich habitat built with the engine's method (auto: BuildKit on Docker, docker-exec on Podman), then
// rebuilt: no-op, one file changed, upstream commit, rebuildFrom, target, unknown phase. Asserts on the images,
// their labels and the logs.
def support = context.get('support')
def method = support.engineInfo().buildkit ? 'buildkit' : 'docker-exec'
def git = context.get('git')
def name = 'it-lifecycle'
def tag = { p -> "habitat-${name}:${p}".toString() }
try {
    def log1 = new File(basedir, 'build.log').text
    ['1-base', '2-users', '3-env', '4-workdir', '5-habitat', '6-files', '7-repos', '8-tools', '9-scripts', '10-verify', '11-test', '12-final'].each {
        assert log1.contains("habitat: [${it}] started") : "no start line for ${it}"
        assert log1 =~ /habitat: \[${it}\] (built|cached) in \d+\.\d+s/ : "no end line for ${it}"
    }
    assert log1.contains('first stale phase is 1-base: no snapshot of it exists yet')
    assert log1 =~ /(?m)^\[INFO\]\s+12-final\s+built\s+\d+\.\d/ : 'summary table'
    def ids1 = support.snapshotIds(name)
    ids1.each { k, v -> assert v != null : "snapshot ${k} missing" }

    // --- the build report: every phase with its times, image and size; the HTML timeline links from the log
    def reportDir = new File(basedir, "target/habitat/${name}")
    assert log1.contains('habitat: report ' + reportDir.toPath().resolve('report.html').toUri())
    def report = new groovy.json.JsonSlurper().parse(new File(reportDir, 'report.json'))
    assert report.habitat == name && report.method == method && !report.upToDate
    assert report.phases*.phase == ['1-base', '2-users', '3-env', '4-workdir', '5-habitat', '6-files', '7-repos', '8-tools',
                                    '9-scripts', '10-verify', '11-test', '12-final']
    report.phases.each { p ->
        assert p.status in ['built', 'cached'] && p.start && p.end : p
        assert (p.snapshot == null) == (p.phase in ['10-verify', '11-test']) : p
        if (p.snapshot) assert p.imageId == support.imageId(p.snapshot) && p.sizeBytes > 100_000_000 : p
    }
    assert report.phases.find { it.phase == '7-repos' }.stages*.stage.contains('repos')
    // each command of a script that ran is timed by the step's runner: scripts[2] (as builder) and scripts[3] in 9-scripts
    def timed = report.phases.find { it.phase == '9-scripts' }.commands
    assert timed*.script.containsAll(['scripts[2]', 'scripts[3]']) && timed.every { it.command == 1 && it.seconds >= 0 } : timed
    assert report.phases.find { it.phase == '11-test' }.commands*.script == ['tests'] : report.phases
    def html = new File(reportDir, 'report.html').text
    assert html.contains('<svg') && (html =~ /<rect /).count >= 12

    // --- the final image: users, files, owners, modes, env, workdir, entrypoint, cmd, repo
    def out = support.docker(['run', '--rm', '--entrypoint', '/bin/bash', tag('12-final'), '-c', '''
        echo "user=$(id -un)"; echo "groups=$(id -Gn)"; echo "builder=$(getent passwd builder | cut -d: -f1,6)"
        echo "conf=$(stat -c '%U:%G %a' /home/dev/.config/app.conf)"; echo "confdir=$(stat -c '%U:%G' /home/dev/.config)"
        echo "motd=$(stat -c '%U:%G %a' /etc/motd)"
        echo "hook=$(cat /hook-before-workdir)"; echo "afterrepos=$(cat /home/dev/after-repos.txt)"
        echo "builderran=$(cat /tmp/builder.txt)"
        echo "repo-owner=$(stat -c '%U' "$TOOLS_DIR")"; echo "repo-head=$(git -C "$TOOLS_DIR" rev-parse HEAD)"
        echo "repo-branch=$(git -C "$TOOLS_DIR" rev-parse --abbrev-ref HEAD)"
        echo "alternates=$(cat "$TOOLS_DIR/.git/objects/info/alternates" 2>/dev/null || echo none)"
        echo "quoted=$QUOTED"; echo "path=$PATH"; echo "pwd=$(pwd)"
    '''])
    def lines = out.readLines()
    def head1 = support.run(['git', '-C', git.work.path, 'rev-parse', 'HEAD']).out.trim()
    ['user=dev', 'builder=builder:/home/builder', 'conf=dev:dev 600', 'confdir=dev:dev', 'motd=root:root 644', 'hook=before-workdir as root',
     'afterrepos=after-repos saw v1', 'builderran=ran as builder', 'repo-owner=dev', "repo-head=${head1}".toString(),
     'repo-branch=main', 'alternates=none', 'quoted=say "hi" to $USER\'s `shell` \\o/',
     'path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/workspace/tools/bin', 'pwd=/workspace'].each {
        assert lines.contains(it) : "expected '${it}' in:\n${out}"
    }
    def cfg = support.docker(['image', 'inspect', '-f', '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.User}} {{.Config.WorkingDir}}', tag('12-final')])
    assert cfg == '["/entrypoint.sh"] ["/bin/bash","-c","cat /etc/motd"] dev /workspace' : cfg
    assert support.docker(['run', '--rm', tag('12-final')]) == 'welcome to the lifecycle habitat'
    assert support.label(tag('12-final'), 'habitat.method') == method
    assert log1.contains("habitat: build method ${method}".toString())
    assert support.label(tag('12-final'), 'habitat.phase') == '12-final'
    assert support.label(tag('6-files'), 'habitat.phase') == '6-files'
    assert support.label(tag('6-files'), 'habitat.hash.final') == '' : 'a snapshot carries only its own and earlier hashes'
    assert support.label(tag('12-final'), 'habitat.hash.base') == support.label(tag('1-base'), 'habitat.hash.base')
    assert support.label(tag('7-repos'), 'habitat.inputs.repos').contains('"repo:/workspace/tools"')

    // --- 2: nothing changed: nothing is built
    def r2 = support.mvn(['habitat:build'], 'build-2.log')
    assert r2.rc == 0 : r2.out
    assert r2.out.contains('habitat: habitat-it-lifecycle:12-final is up to date; nothing to build')
    def report2 = new groovy.json.JsonSlurper().parse(new File(basedir, "target/habitat/${name}/report.json"))
    // verify and test have no snapshot: they passed when 12-final was built
    assert report2.upToDate && report2.phases.size() == 12
    assert report2.phases.every { it.status == (it.phase in ['10-verify', '11-test'] ? 'passed' : 'snapshot') } : report2.phases
    assert r2.out =~ /(?m)^\[INFO\]\s+10-verify\s+passed\s+\d+\.\d/ && r2.out =~ /(?m)^\[INFO\]\s+12-final\s+snapshot\s+\d+\.\d/ : 'summary table'
    assert !r2.out.contains('] started')
    assert support.snapshotIds(name) == ids1

    // --- 3: one copied file changes: files and later phases are rebuilt, earlier snapshots are kept
    new File(basedir, 'src/main/habitat/files/app.conf').text = 'color = green\n'
    def r3 = support.mvn(['habitat:build'], 'build-3.log')
    assert r3.rc == 0 : r3.out
    assert r3.out.contains('first stale phase is 6-files: ') && r3.out.contains('content of files/0/app.conf changed')
    assert r3.out.contains('resuming from snapshot habitat-it-lifecycle:5-habitat')
    assert !r3.out.contains('[5-habitat] started') && r3.out.contains('[6-files] started')
    def ids3 = support.snapshotIds(name)
    ['1-base', '2-users', '3-env', '4-workdir', '5-habitat'].each { assert ids3[it] == ids1[it] : "${it} must be kept" }
    ['6-files', '7-repos', '8-tools', '9-scripts', '12-final'].each { assert ids3[it] != ids1[it] : "${it} must be new" }
    assert support.docker(['run', '--rm', '--entrypoint', 'cat', tag('12-final'), '/home/dev/.config/app.conf']) == 'color = green'

    // --- 4: upstream commit: repos and later are rebuilt, files is not
    def head2 = support.commit(git.work, ['README': 'v2\n'], 'second')
    support.push(git.work)
    def r4 = support.mvn(['habitat:build'], 'build-4.log')
    assert r4.rc == 0 : r4.out
    assert r4.out.contains('first stale phase is 7-repos: remote commit of the repo at /workspace/tools changed')
    def ids4 = support.snapshotIds(name)
    assert ids4['6-files'] == ids3['6-files'] && ids4['7-repos'] != ids3['7-repos']
    assert support.docker(['run', '--rm', '--entrypoint', 'cat', tag('12-final'), '/home/dev/after-repos.txt']) == 'after-repos saw v2'
    assert support.docker(['run', '--rm', '--entrypoint', 'git', tag('12-final'), '-C', '/workspace/tools', 'rev-parse', 'HEAD']) == head2

    // --- 5: rebuildFrom=scripts reruns scripts and later even though they are cached
    def r5 = support.mvn(['habitat:build', '-Dhabitat.rebuildFrom=scripts', '-Dhabitat.verbose'], 'build-5.log')
    assert r5.rc == 0 : r5.out
    assert r5.out.contains('rebuilding from 9-scripts (habitat.rebuildFrom)')
    assert r5.out =~ /\[9-scripts\] built in/ && r5.out =~ /\[11-test\] built in/
    assert r5.out.contains('    scripts | scripts ran as dev in /workspace') : 'verbose shows script output, indented'
    assert !r4.out.contains('scripts ran as dev in /workspace') : 'not without verbose'
    def ids5 = support.snapshotIds(name)
    ['1-base', '6-files', '7-repos', '8-tools'].each { assert ids5[it] == ids4[it] : "${it} must be kept" }
    assert ids5['9-scripts'] != ids4['9-scripts']

    // --- 6: target=files builds up to files only
    new File(basedir, 'src/main/habitat/files/app.conf').text = 'color = red\n'
    def r6 = support.mvn(['habitat:build', '-Dhabitat.target=files'], 'build-6.log')
    assert r6.rc == 0 : r6.out
    assert r6.out.contains('[6-files] started') && !r6.out.contains('[7-repos] started')
    def ids6 = support.snapshotIds(name)
    assert ids6['6-files'] != ids5['6-files'] && ids6['12-final'] == ids5['12-final']
    def r6b = support.mvn(['habitat:build'], 'build-6b.log')
    assert r6b.rc == 0 && r6b.out.contains('first stale phase is 7-repos: an earlier phase changed') : r6b.out
    assert support.snapshotIds(name)['6-files'] == ids6['6-files']

    // --- 7: unknown phase names are an error listing the valid ones
    def r7 = support.mvn(['habitat:build', '-Dhabitat.target=deploy'], 'build-7.log')
    assert r7.rc != 0
    assert r7.out.contains("Unknown target phase 'deploy'. Valid phases: 1-base, 2-users, 3-env")

    // --- 8: a Mac's layout: no DOCKER_HOST, no Docker context, nothing under /run (so no /var/run/docker.sock), and the
    // engine's socket where Docker Desktop (macOS) or Colima puts it in the home: the build finds it with nothing set
    // (a private mount namespace: the socket bound into the home, a tmpfs over /run; Java's user.home is the home)
    ['.docker/run/docker.sock': 'Docker Desktop socket (macOS)', '.colima/default/docker.sock': 'Colima socket'].each { rel, source ->
        // short, as a Mac's /Users/<name> is: a unix socket's path has at most 104 (macOS) or 108 (Linux) bytes
        def home = java.nio.file.Files.createTempDirectory('mac-home-').toFile()
        support.closeables << ({ -> home.deleteDir() } as Closeable)
        def socket = new File(home, rel)
        socket.parentFile.mkdirs()
        socket.text = ''
        def script = """set -e
mount --bind '${support.engineSocket()}' '${socket.path}'
mount -t tmpfs tmpfs /run
[ -L /var/run ] || mount -t tmpfs tmpfs /var/run
test ! -e /var/run/docker.sock
exec env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_CONFIG -u XDG_RUNTIME_DIR HOME='${home.path}' \
  MAVEN_OPTS="\$MAVEN_OPTS -Duser.home=${home.path}" mvn -B -o -llr -Dmaven.repo.local='${support.localRepo}' habitat:build"""
        def r = support.run(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script.toString()], basedir)
        new File(basedir, "build-8-${rel.tokenize('/')[0].replace('.', '')}.log").text = r.out
        assert r.rc == 0 : r.out
        assert r.out.contains("at unix://${socket.path} (${source})".toString()) : r.out
        assert r.out.contains('habitat: habitat-it-lifecycle:12-final is up to date; nothing to build') : r.out
    }
} finally {
    support.stopServers()
}
true
