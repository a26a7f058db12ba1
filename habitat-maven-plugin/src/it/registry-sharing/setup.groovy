// Engines that differ share one habitat through a registry: the reference engine (A, the host's Docker 20.10), the
// run's engine (B, Docker 28.5 with overlay2 under the matrix) and the further engines .ci/matrix.sh names in
// HABITAT_IT_SHARING_ENGINES (name|DOCKER_HOST|network namespace;...: Docker 28.5 with the containerd image store, and
// Podman 5.8), each with its own socket group. The registry (htpasswd auth) runs here; every engine reaches it at
// 127.0.0.1:<port>. A's builds get their credentials from a settings.xml server, the others' from a Docker config.json.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-shared')
try {
    def reference = System.getenv('HABITAT_IT_REFERENCE_HOST')
    assert reference : 'registry-sharing shares between two engines: run it through .ci/matrix.sh, which sets HABITAT_IT_REFERENCE_HOST'
    assert reference != System.getenv('DOCKER_HOST') : 'the reference engine must be another engine'
    support.removeSnapshotsOn([DOCKER_HOST: reference], 'it-shared')

    def registry = support.registry(new File(basedir, 'target/registry'), 'alice', 'shared-s3cret')
    def host = "127.0.0.1:${registry.port}".toString()
    new File(basedir, 'src/main/habitat/config.yaml').text =
            new File(basedir, 'config.yaml.template').text.replace('@REGISTRY@', "${host}/team")
    // 4 MB that does not compress: the 6-files layer is worth a push
    def data = new byte[4 * 1024 * 1024]
    new Random(42).nextBytes(data)
    new File(basedir, 'src/main/habitat/files/data.bin').bytes = data
    new File(basedir, 'src/main/habitat/files/app.conf').text = 'shared = 1\n'

    def settings = { String password ->
        def f = new File(basedir, "target/settings-${password}.xml")
        f.text = """<settings><servers><server><id>${host}</id><username>alice</username><password>${password}</password></server></servers></settings>"""
        f.path
    }
    def dockerConfig = new File(basedir, 'target/docker-config')
    dockerConfig.mkdirs()
    new File(dockerConfig, 'config.json').text = groovy.json.JsonOutput.toJson([auths: [(host): [auth: Base64.encoder.encodeToString('alice:shared-s3cret'.bytes)]]])

    // The habitat's docker group takes the id of the engine socket's group, a fact of the machine that no phase hash
    // covers: the machine step gives it after 12-final's content. So B is reached at its own socket, and the two
    // engines' groups must differ for the IT to show that: B pulls A's snapshots and applies only its own machine step.
    // Where both sockets have the same group (Docker 26's two stores share one root file system, so one docker group),
    // B is reached through a proxy socket whose group differs from A's: a crutch the other way round, that keeps the
    // difference this IT is about.
    def socketGid = { String h -> h.startsWith('unix://') ? (int) java.nio.file.Files.getAttribute(java.nio.file.Path.of(h.substring(7)), 'unix:gid') : 0 }
    String ownB = System.getenv('DOCKER_HOST')
    int gidA = socketGid(reference)
    String hostB = ownB
    if (socketGid(ownB) == gidA) {
        def proxyB = support.engineProxy(new File(basedir, 'target/engine-b.sock').path, gidA + 1)
        support.closeables << ({ -> proxyB.kill() } as Closeable)
        hostB = proxyB.host
        println "[registry-sharing] A's and B's sockets have the same group (${gidA}): B is reached through a proxy socket of group ${gidA + 1}"
    }
    int gidB = socketGid(hostB)
    assert gidA != 0 && gidB != 0 && gidA != gidB : "the engines' socket groups must differ: A ${reference} ${gidA}, B ${hostB} ${gidB}"
    // the further engines: each empty of the habitat, its socket's group (a group of root, as Podman's socket may have,
    // is no machine fact: the label says none) other than A's
    def others = (System.getenv('HABITAT_IT_SHARING_ENGINES') ?: '').tokenize(';').collect { spec ->
        def (String engineName, String engineHost) = spec.tokenize('|')
        int gid = socketGid(engineHost)
        assert gid != gidA : "${engineName}'s socket group must differ from A's (${gidA})"
        support.removeSnapshotsOn([DOCKER_HOST: engineHost], 'it-shared')
        [name: engineName, env: [DOCKER_HOST: engineHost, DOCKER_CONFIG: dockerConfig.path], gid: gid]
    }
    println "[registry-sharing] A ${reference} (group ${gidA}), B ${hostB} (group ${gidB})" + others.collect { ", ${it.name} ${it.env.DOCKER_HOST} (group ${it.gid})" }.join('')
    context.put('others', others)
    context.put('hostB', hostB)
    context.put('gidA', gidA)
    context.put('gidB', gidB)
    context.put('support', support)
    context.put('reference', reference)
    context.put('registry', registry)
    context.put('host', host)
    context.put('settingsGood', settings('shared-s3cret'))
    context.put('settingsWrong', settings('wrong-password'))
    context.put('dockerConfig', dockerConfig.path)
} catch (Throwable failed) {
    support.stopServers() // the registry and forwarders started so far: none outlives a failed setup
    throw failed
}
true
