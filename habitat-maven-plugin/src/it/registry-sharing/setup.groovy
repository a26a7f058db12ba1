// Two engines share one habitat through a registry: the run's engine (B, Docker 26 under the matrix) and the
// reference engine (A, the host's Docker). The registry (htpasswd auth) runs here; both engines reach it at
// 127.0.0.1:<port>. A's builds get their credentials from a settings.xml server, B's from a Docker config.json.
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

    // The habitat's docker group takes the id of the engine socket's group, so it is one of the phase hashes: engines
    // share snapshots when their sockets have the same group id (as machines set up alike do). B is reached through
    // a proxy socket with A's group id.
    int gidA = reference.startsWith('unix://') ? (int) java.nio.file.Files.getAttribute(java.nio.file.Path.of(reference.substring(7)), 'unix:gid') : 0
    def proxyB = support.engineProxy(new File(basedir, 'target/engine-b.sock').path, gidA)
    support.closeables << ({ -> proxyB.kill() } as Closeable)
    context.put('hostB', proxyB.host)
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
