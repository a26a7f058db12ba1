// One engine with the containerd image store (Docker 28 under the matrix) builds a habitat for linux/amd64 and
// linux/arm64 (arm64 under qemu-user-static's binfmt handlers, registered by .ci/ensure-engine.sh). The base is
// one multi-platform index in the registry the IT starts: the amd64 and arm64 root file systems that
// ensure-engine.sh caches, imported with their platform (POST /images/create?fromSrc=-&platform=), pushed, and an
// index put over them through the registry API.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-multi')
try {
    String engine = System.getenv('DOCKER_HOST')
    assert engine?.startsWith('unix://') : 'multi-platform runs on a second engine: run it through .ci/matrix.sh d28-containerd'
    assert support.docker(['info', '--format', '{{json .DriverStatus}}']).contains('io.containerd.snapshotter') :
            "multi-platform needs an engine with the containerd image store, not ${engine}"
    def cache = new File(System.getenv('HABITAT_CACHE_DIR') ?: '/var/cache/habitat-test')
    def tarballs = ['linux/amd64': new File(cache, 'bookworm-minbase.tar'), 'linux/arm64': new File(cache, 'bookworm-minbase-arm64.tar')]
    tarballs.each { p, f -> assert f.size() > 0 : "${f} is missing: run .ci/ensure-engine.sh (it caches the ${p} root file system)" }
    assert new File('/proc/sys/fs/binfmt_misc/qemu-aarch64').exists() : 'no arm64 emulation: run .ci/ensure-engine.sh (qemu-user-static)'

    def registry = support.registry(new File(basedir, 'target/registry'), 'alice', 'multi-s3cret')
    def host = "127.0.0.1:${registry.port}".toString()
    new File(basedir, 'src/main/habitat/config.yaml').text =
            new File(basedir, 'config.yaml.template').text.replace('@REGISTRY@', "${host}/team")
    def dockerConfig = new File(basedir, 'target/docker-config')
    dockerConfig.mkdirs()
    new File(dockerConfig, 'config.json').text = groovy.json.JsonOutput.toJson([auths: [(host): [auth: Base64.encoder.encodeToString('alice:multi-s3cret'.bytes)]]])
    def withAuth = [DOCKER_CONFIG: dockerConfig.path]

    // import each root file system with its platform (the engine API; Docker 20.10's import would ignore it), push it
    String socket = engine.substring('unix://'.length())
    def changes = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["/bin/bash"]']
    def manifests = []
    tarballs.each { platform, tar ->
        String arch = platform.substring(6)
        String tag = "${host}/team/base:${arch}".toString()
        def query = "fromSrc=-&repo=${URLEncoder.encode("${host}/team/base", 'UTF-8')}&tag=${arch}&platform=${URLEncoder.encode(platform, 'UTF-8')}" +
                changes.collect { '&changes=' + URLEncoder.encode(it, 'UTF-8') }.join('')
        def r = support.run(['curl', '-sS', '--fail-with-body', '--unix-socket', socket, '-X', 'POST', '-H', 'Content-Type: application/x-tar',
                             '--data-binary', "@${tar.path}".toString(), "http://engine/images/create?${query}".toString()])
        assert r.rc == 0 && !r.out.contains('"error"') : "importing ${tar} for ${platform}: ${r.out}"
        assert support.docker(['image', 'inspect', '-f', '{{.Architecture}}', tag]) == arch : "${tag} keeps its platform"
        def push = support.run(['/usr/bin/docker', 'push', tag], null, withAuth)
        assert push.rc == 0 : push.out
        def m = registry.api('GET', "/v2/team/base/manifests/${arch}", 'application/vnd.oci.image.index.v1+json, ' +
                'application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, ' +
                'application/vnd.docker.distribution.manifest.v2+json')
        def json = new groovy.json.JsonSlurper().parseText(m.text)
        if (json.manifests) { // the engine pushed an index of its own: its manifest for the platform
            def d = json.manifests.find { it.platform?.architecture == arch }
            manifests << [mediaType: d.mediaType, digest: d.digest, size: d.size, platform: [architecture: arch, os: 'linux']]
        } else {
            byte[] body = m.text.getBytes('UTF-8')
            manifests << [mediaType: json.mediaType, size: body.length, platform: [architecture: arch, os: 'linux'],
                          digest: 'sha256:' + java.security.MessageDigest.getInstance('SHA-256').digest(body).encodeHex().toString()]
        }
        support.run(['/usr/bin/docker', 'rmi', tag])
    }
    def index = groovy.json.JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: manifests])
    def put = (HttpURLConnection) new URL("http://127.0.0.1:${registry.backendPort}/v2/team/base/manifests/bookworm").openConnection()
    put.requestMethod = 'PUT'
    put.doOutput = true
    put.setRequestProperty('Authorization', 'Basic ' + Base64.encoder.encodeToString('alice:multi-s3cret'.bytes))
    put.setRequestProperty('Content-Type', 'application/vnd.oci.image.index.v1+json')
    put.outputStream.withStream { it << index.getBytes('UTF-8') }
    assert put.responseCode == 201 : "the base index: HTTP ${put.responseCode}"
    // both variants here, under one local name, as a team's base image is (each variant's content enters its
    // platform's hashes); a local name, like the other ITs' base: builds find it here and ask no registry for it
    ['linux/amd64', 'linux/arm64'].each { p ->
        def pull = support.run(['/usr/bin/docker', 'pull', '--platform', p, "${host}/team/base:bookworm".toString()], null, withAuth)
        assert pull.rc == 0 : pull.out
    }
    support.docker(['tag', "${host}/team/base:bookworm".toString(), 'habitat-test-base:multi-platform'])
    ['amd64', 'arm64'].each { a -> // the engine's API (Docker 28: ?platform=), which the docker CLI 20.10 here does not ask
        def platform = URLEncoder.encode("{\"os\":\"linux\",\"architecture\":\"${a}\"}".toString(), 'UTF-8')
        def r = support.run(['curl', '-sS', '--unix-socket', socket, "http://engine/images/habitat-test-base:multi-platform/json?platform=${platform}".toString()])
        assert new groovy.json.JsonSlurper().parseText(r.out).Architecture == a : r.out
    }
    context.put('support', support)
    context.put('registry', registry)
    context.put('host', host)
    context.put('dockerConfig', dockerConfig.path)
} catch (Throwable failed) {
    support.stopServers()
    throw failed
}
true
