// The same habitat built on the run's engine (auto: BuildKit on Docker, docker-exec on Podman) and on a
// reference engine (another image store, another engine) gives the same final image: file tree (path, type,
// owner, group, mode, symlink target, content digest), env, user, workdir, entrypoint, cmd and the habitat
// labels other than the method and the machine's. Two entries belong to the engine's runtime, not to the image, and are left out:
// "/" itself (Podman runs containers with a 555 root) and /.dockerenv (Docker's marker file). The group files
// hold one fact of the machine that differs by design, the docker group of the engine's socket (given by the machine
// step, last): they are compared without it, and that group is checked against each engine's socket (the backups group- and gshadow- hold the state
// before the last change, which is that group's when there is one: not compared).
def support = context.get('support')
String reference = context.get('reference')
def name = 'it-engines'
def fin = "habitat-${name}:12-final".toString()
def here = support.engineInfo()
def onReference = [DOCKER_HOST: reference]
def groupFiles = ['/etc/group', '/etc/group-', '/etc/gshadow', '/etc/gshadow-']
def runtimeOnly = { List<String> tree ->
    tree.findAll { line -> !(line ==~ /^entry \/\|.*/) && !line.startsWith('entry /.dockerenv|') && !line.endsWith(' /.dockerenv') &&
            !groupFiles.any { line.startsWith('digest ') && line.endsWith('  ' + it) } }
}
def groupsBesidesDocker = { Map<String, String> env ->
    support.dockerWith(env, ['run', '--rm', '-u', '0', '--entrypoint', '/bin/sh', fin, '-c',
            'for f in /etc/group /etc/gshadow; do echo "== $f"; grep -v "^docker:" "$f"; done'])
}
// the group id of an engine's unix socket (0 for a remote engine)
def socketGid = { String host -> host.startsWith('unix://') ? (int) java.nio.file.Files.getAttribute(java.nio.file.Path.of(host.substring(7)), 'unix:gid') : 0 }
// the docker group follows the engine socket's group; a socket of group root gives none (not root's group)
def dockerGroupMatchesSocket = { Map<String, String> env, String host ->
    int gid = socketGid(host)
    def group = support.dockerWith(env, ['run', '--rm', '--entrypoint', '/bin/sh', fin, '-c', 'getent group docker || echo none'])
    assert group == (gid == 0 ? 'none' : "docker:x:${gid}:dev".toString()) : "docker group for ${host}: ${group}"

    assert !support.dockerWith(env, ['run', '--rm', '--entrypoint', 'id', fin, '-Gn']).tokenize().contains('root') : 'dev is not in group root'
}
try {
    def log = new File(basedir, 'build.log').text
    assert log.contains("habitat: build method ${here.buildkit ? 'buildkit' : 'docker-exec'}".toString())
    assert log =~ /habitat: \[11-test\] (built|cached) in/ : 'the tests ran and passed (cached: this engine ran them before)'
    def hereTree = runtimeOnly(support.tree(fin))
    def hereConfig = support.config(fin)
    assert hereTree.size() > 1000 : 'the dump lists the whole image'
    assert support.docker(['run', '--rm', fin]) == support.docker(['run', '--rm', '--entrypoint', 'cat', fin, '/etc/it/../motd'])

    def r = support.mvn(['habitat:build', '-Dhabitat.rebuild'], 'build-reference.log', onReference)
    assert r.rc == 0 : r.out
    assert r.out.contains("at ${reference}") : 'the reference build ran on the reference engine'
    def refTree = runtimeOnly(support.treeOn(onReference, fin))
    def refConfig = support.configOn(onReference, fin)
    def d = support.diff(refTree, hereTree, "reference ${reference}", "${here.podman ? 'Podman' : 'Docker'} ${here.version}")
    assert d.isEmpty() : "file trees differ:\n${d}"
    // the phase hashes depend on no fact of the machine (the docker socket's group is given by the machine step, after
    // 12-final's content, and recorded in habitat.machine.docker-gid) and cover the base image by content, which is the
    // same in every image store (the containerd store's image id is the manifest's digest, overlay2's the config's):
    // every hash label is equal, whatever the sockets' groups; the machine label follows each engine's socket
    def machineLabel = 'habitat.machine.docker-gid'
    [[hereConfig, System.getenv('DOCKER_HOST')], [refConfig, reference]].each { config, host ->
        int gid = socketGid(host)
        assert config.Labels[machineLabel] == (gid == 0 ? 'none' : "${gid}".toString()) : "${machineLabel} for ${host}: ${config.Labels}"
        config.Labels.remove(machineLabel)
        config.Labels.remove('habitat.method') // which method made it: the engines' auto choices may differ
    }
    assert hereConfig.Labels.findAll { it.key.startsWith('habitat.hash.') }.size() == 12
    refConfig.each { k, v -> assert hereConfig[k] == v : "config ${k} differs:\n  reference: ${v}\n  here:      ${hereConfig[k]}" }
    assert groupsBesidesDocker(onReference) == groupsBesidesDocker([:])
    dockerGroupMatchesSocket([:], System.getenv('DOCKER_HOST'))
    dockerGroupMatchesSocket(onReference, reference)
    assert support.buildContainers(name).isEmpty() : 'build containers are removed after a build'
    support.removeSnapshots(name)
    support.removeSnapshotsOn(onReference, name)
} finally {
    support.stopServers()
}
true
