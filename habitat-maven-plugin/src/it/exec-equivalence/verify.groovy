// The same feature-rich habitat built with BuildKit (the invoker's run) and with docker-exec must give the
// same final image: file tree (path, type, owner, group, mode, symlink target, content digest) outside
// volatile paths, env, user, workdir, entrypoint, cmd and the habitat labels other than the method. On an
// engine without BuildKit (Podman) the first build is auto's docker-exec, so the comparison is of two
// docker-exec builds there; engine-equivalence compares Podman's image with Docker's.
def support = context.get('support')
def first = support.engineInfo().buildkit ? 'buildkit' : 'docker-exec'
def name = 'it-equivalence'
def fin = "habitat-${name}:12-final".toString()
// the injection table of config.yaml: every value arrives as itself, nothing in it runs
def injectionHolds = { String method ->
    def sh = { String cmd -> support.docker(['run', '--rm', '--entrypoint', '/bin/bash', fin, '-c', cmd]) }
    assert sh('find / -xdev -name "pwned*" 2>/dev/null | head -5').isEmpty() : "${method}: an injected command ran"
    def expected = ['x"; touch /pwned-env-dq; echo "', "x'; touch /pwned-env-sq; echo '", '$(touch /pwned-env-sub) `touch /pwned-env-bt` $HOME',
                    'line1\\nRUN touch /pwned-env-nl\\n', '--target=pwned -- --network=host \\'].join('|') + '|'
    assert sh('cat ~/inj-env.txt') == expected : "${method}: env values changed"
    def env = new groovy.json.JsonSlurper().parseText(support.docker(['image', 'inspect', '-f', '{{json .Config.Env}}', fin]))
    assert env.contains('INJ_DQ=x"; touch /pwned-env-dq; echo "') && env.contains('INJ_NL=line1\\nRUN touch /pwned-env-nl\\n')
    assert sh('cat ~/inj-cmd.txt') == 'x"; touch /pwned-cmd; echo "'
    assert sh('cat ~/inj-multi.txt') == 'multi\nRUN touch /pwned-multi'
    assert sh('ls "/opt/it/we ird"') == '"q" \'s $(touch pwned-dest) `touch pwned-bt` \\ --x.txt' : "${method}: the awkward destination"
    assert sh('cat /opt/it/we\\ ird/*--x.txt') == sh('cat /etc/motd')
    assert support.docker(['run', '--rm', '-u', '0', '--entrypoint', '/bin/sh', fin, '-c', 'getent shadow dev | cut -d: -f3']) == '18262' : "${method}: useradd's account date is fixed (2020-01-01), not the build's day"
    assert sh('cat /tmp/awkward-test.txt') == 'awkward test ran' : "${method}: the test with an awkward path ran as that path"
}
// package caches: what a script wrote there is not in the image; the mount points are empty, their first user's;
// apt's downloads (none here: nothing is installed) never stay in /var/cache/apt/archives
def cacheLeftNothing = { String method, String count ->
    def sh = { String cmd -> support.docker(['run', '--rm', '--entrypoint', '/bin/bash', fin, '-c', cmd]) }
    assert sh('cat ~/cache-count.txt') == count : "${method}: the script's view of its caches"
    assert sh('find /var/cache/habitat-test ~/.cache/pip -mindepth 1 | head -5').isEmpty() : "${method}: cache content in the image"
    // the first script that mounts a directory makes it: the root hook before workdir for the path cache
    assert sh('stat -c %U /var/cache/habitat-test ~/.cache ~/.cache/pip') == 'root\ndev\ndev' : "${method}: mount points owned by the first script's user"
    assert sh('find /var/cache/apt -name "*.deb" | head -5').isEmpty()
}
def changeCacheStep = { String from, String to ->
    def config = new File(basedir, 'src/main/habitat/config.yaml')
    assert config.text.contains("cache step ${from}")
    config.text = config.text.replace("cache step ${from}", "cache step ${to}")
}
try {
    assert new File(basedir, 'build.log').text.contains("habitat: build method ${first}".toString())
    def bkTree = support.tree(fin)
    def bkConfig = support.config(fin)
    assert support.label(fin, 'habitat.method') == first
    assert bkTree.size() > 1000 : 'the dump lists the whole image'
    injectionHolds(first)
    cacheLeftNothing(first, 'tool=0 pip=0')

    def r2 = support.mvn(['habitat:build', '-Dhabitat.buildMethod=docker-exec', '-Dhabitat.rebuild'], 'build-exec.log')
    assert r2.rc == 0 : r2.out
    assert r2.out.contains('habitat: build method docker-exec')
    assert r2.out =~ /\[12-final\] built in/
    assert support.label(fin, 'habitat.method') == 'docker-exec'
    def exTree = support.tree(fin)
    injectionHolds('docker-exec')
    // docker-exec's volumes are not BuildKit's cache mounts: empty after a BuildKit build; after a first docker-exec
    // build (auto on Podman) they hold what it left
    boolean execBefore = first == 'docker-exec'
    cacheLeftNothing('docker-exec', execBefore ? 'tool=1 pip=1' : 'tool=0 pip=0')
    def exConfig = support.config(fin)
    // the count a script took of its caches differs where both builds are docker-exec (Podman): checked above
    def countDigest = { String line -> line.startsWith('digest ') && line.endsWith('  /home/dev/cache-count.txt') }
    def d = support.diff(bkTree.findAll { !countDigest(it) }, exTree.findAll { !countDigest(it) }, first, 'docker-exec')
    assert d.isEmpty() : "file trees differ:\n${d}"
    bkConfig.each { k, v -> assert exConfig[k] == v : "config ${k} differs:\n  ${first}:    ${v}\n  docker-exec: ${exConfig[k]}" }
    assert support.buildContainers(name).isEmpty() : 'build containers are removed after a build'

    // same hashes, same skipping: nothing to do for either method now
    def r3 = support.mvn(['habitat:build', '-Dhabitat.buildMethod=docker-exec'], 'build-exec-2.log')
    assert r3.rc == 0 && r3.out.contains('is up to date; nothing to build') : r3.out
    def ids = support.snapshotIds(name)
    new File(basedir, 'src/main/habitat/files/app.conf').text = 'color = exec\n'
    changeCacheStep('v1', 'v2') // a changed script finds what the earlier run left in the cache volume
    def r4 = support.mvn(['habitat:build', '-Dhabitat.buildMethod=docker-exec'], 'build-exec-3.log')
    assert r4.rc == 0 : r4.out
    assert r4.out.contains('first stale phase is 6-files') && r4.out.contains('resuming from snapshot habitat-it-equivalence:5-habitat')
    def ids4 = support.snapshotIds(name)
    ['1-base', '2-users', '3-env', '4-workdir', '5-habitat'].each { assert ids4[it] == ids[it] : "${it} must be kept" }
    assert ids4['6-files'] != ids['6-files']
    assert support.docker(['run', '--rm', '--entrypoint', 'cat', fin, '/home/dev/.config/app.conf']) == 'color = exec'
    cacheLeftNothing('docker-exec, again', execBefore ? 'tool=2 pip=2' : 'tool=1 pip=1')
    if (first == 'buildkit') {
        // the same on BuildKit: its cache mounts kept the first build's files through a script change
        changeCacheStep('v2', 'v3')
        def r5 = support.mvn(['habitat:build', '-Dhabitat.buildMethod=buildkit'], 'build-buildkit-2.log')
        assert r5.rc == 0 : r5.out
        assert r5.out.contains('first stale phase is 9-scripts') && r5.out =~ /\[9-scripts\] built in/ : r5.out
        cacheLeftNothing('buildkit, again', 'tool=1 pip=1')
    }
    support.removeSnapshots(name)
    support.docker(['volume', 'ls', '-q', '-f', "name=habitat-cache-${name}-".toString()]).readLines().findAll { it }
            .each { support.docker(['volume', 'rm', it]) }
} finally {
    support.stopServers()
}
true
