// One engine with the containerd image store (Docker 28 under the matrix) builds a habitat for linux/amd64 and
// linux/arm64 (arm64 under qemu-user-static's binfmt handlers, registered by .ci/ensure-engine.sh). The base holds
// both platforms: the amd64 and arm64 root file systems that ensure-engine.sh caches, loaded as one OCI index. The
// registry the IT starts gets the snapshots and the multi-platform image.
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

    // one local base image holding both platforms: an OCI image layout (one index, a manifest per platform, each
    // root file system one uncompressed layer) loaded into the engine. Pulling the two variants of a registry index one
    // after the other leaves only the second one in this store (the index's first child loses its reference).
    String socket = engine.substring('unix://'.length())
    def layout = new File(basedir, 'target/base-layout')
    def blobs = new File(layout, 'blobs/sha256')
    blobs.mkdirs()
    def sha256 = { File f ->
        def md = java.security.MessageDigest.getInstance('SHA-256')
        f.withInputStream { input -> byte[] buf = new byte[1 << 20]; int n; while ((n = input.read(buf)) > 0) md.update(buf, 0, n) }
        md.digest().encodeHex().toString()
    }
    def blob = { String text -> // a JSON blob: its descriptor's digest and size
        byte[] b = text.getBytes('UTF-8')
        def hex = java.security.MessageDigest.getInstance('SHA-256').digest(b).encodeHex().toString()
        new File(blobs, hex).bytes = b
        [digest: "sha256:${hex}".toString(), size: b.length]
    }
    def manifests = []
    tarballs.each { platform, tar ->
        String arch = platform.substring(6)
        def hex = sha256(tar)
        java.nio.file.Files.deleteIfExists(new File(blobs, hex).toPath())
        java.nio.file.Files.createSymbolicLink(new File(blobs, hex).toPath(), tar.toPath())
        def config = blob(groovy.json.JsonOutput.toJson([architecture: arch, os: 'linux',
                config: [Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/bash']],
                rootfs: [type: 'layers', diff_ids: ["sha256:${hex}".toString()]]]))
        def manifest = blob(groovy.json.JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
                config: [mediaType: 'application/vnd.oci.image.config.v1+json'] + config,
                layers: [[mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: "sha256:${hex}".toString(), size: tar.length()]]]))
        manifests << ([mediaType: 'application/vnd.oci.image.manifest.v1+json'] + manifest + [platform: [architecture: arch, os: 'linux']])
    }
    new File(layout, 'oci-layout').text = '{"imageLayoutVersion":"1.0.0"}'
    def index = blob(groovy.json.JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: manifests]))
    new File(layout, 'index.json').text = groovy.json.JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
            manifests: [[mediaType: 'application/vnd.oci.image.index.v1+json'] + index + [annotations: [
                    'io.containerd.image.name': 'docker.io/library/habitat-test-base:multi-platform', 'org.opencontainers.image.ref.name': 'multi-platform']]]])
    def archive = new File(basedir, 'target/base-layout.tar')
    def tarred = support.run(['tar', '-C', layout.path, '-chf', archive.path, '.'])
    assert tarred.rc == 0 : tarred.out
    def loaded = support.run(['/usr/bin/docker', 'load', '-i', archive.path])
    assert loaded.rc == 0 : loaded.out
    archive.delete()
    ['amd64', 'arm64'].each { a -> // the engine's API (Docker 28: ?platform=), which the docker CLI 20.10 here does not ask
        def platform = URLEncoder.encode("{\"os\":\"linux\",\"architecture\":\"${a}\"}".toString(), 'UTF-8')
        def r = support.run(['curl', '-sS', '--unix-socket', socket, "http://engine/images/habitat-test-base:multi-platform/json?platform=${platform}".toString()])
        assert new groovy.json.JsonSlurper().parseText(r.out).Architecture == a : "the base's ${a} variant: ${r.out}"
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
