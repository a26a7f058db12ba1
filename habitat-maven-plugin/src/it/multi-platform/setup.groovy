// One engine with the containerd image store (Docker 28 under the matrix) builds a habitat for linux/amd64 and
// linux/arm64 (arm64 under qemu-user-static's binfmt handlers, registered by .ci/ensure-engine.sh). The base holds
// both platforms: the amd64 and arm64 root file systems that ensure-engine.sh caches, loaded as one OCI index. The
// registry the IT starts gets the snapshots and the multi-platform image. A second engine (HABITAT_IT_SECOND_HOST), the
// machine that later asks for linux/arm64, gets the base as an arm64 laptop has it.
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

    // the second machine (verify.groovy's last check): another Docker 28.5 with the containerd store, its own data root
    // (empty at its start), network namespace and socket, that has never seen the habitat. It gets the base as an arm64
    // laptop has it after pulling it: the index, with its own platform's content only (POST /images/load?platform=,
    // API 1.48; the docker CLI 20.10 here cannot ask).
    String second = System.getenv('HABITAT_IT_SECOND_HOST')
    assert second?.startsWith('unix://') && System.getenv('HABITAT_IT_SECOND_NETNS') :
            'multi-platform needs a second engine (HABITAT_IT_SECOND_HOST, HABITAT_IT_SECOND_NETNS): run it through .ci/matrix.sh d28-containerd'
    def secondEnv = [DOCKER_HOST: second]
    String secondSocket = second.substring('unix://'.length())
    def secondServer = new groovy.json.JsonSlurper().parseText(support.dockerWith(secondEnv, ['version', '--format', '{{json .Server}}']))
    def (apiMajor, apiMinor) = secondServer.ApiVersion.tokenize('.').collect { it as int }
    assert apiMajor > 1 || apiMinor >= 49 : "the second engine answers another platform's base identity from API 1.49 (Docker 28.1) on: ${secondServer.Version}"
    assert support.dockerWith(secondEnv, ['info', '--format', '{{json .DriverStatus}}']).contains('io.containerd.snapshotter') :
            "the second engine (${second}) needs the containerd image store"
    assert support.dockerWith(secondEnv, ['images', '-q']).isEmpty() : "the second engine starts empty: ${support.dockerWith(secondEnv, ['images'])}"
    def arm64 = URLEncoder.encode('{"os":"linux","architecture":"arm64"}', 'UTF-8')
    def secondLoaded = support.run(['curl', '-sS', '--fail-with-body', '--unix-socket', secondSocket, '-X', 'POST', '-H', 'Content-Type: application/x-tar',
            '-T', archive.path, "http://engine/v1.49/images/load?quiet=1&platform=${arm64}".toString()])
    assert secondLoaded.rc == 0 && !secondLoaded.out.contains('errorDetail') : secondLoaded.out
    archive.delete()
    def secondBase = { String a ->
        def platform = URLEncoder.encode("{\"os\":\"linux\",\"architecture\":\"${a}\"}".toString(), 'UTF-8')
        support.run(['curl', '-sS', '--unix-socket', secondSocket, "http://engine/images/habitat-test-base:multi-platform/json?platform=${platform}".toString()]).out
    }
    assert new groovy.json.JsonSlurper().parseText(secondBase('arm64')).Architecture == 'arm64' : "the second engine's arm64 base: ${secondBase('arm64')}"
    println "[multi-platform] the second engine ${secondServer.Version} (API ${secondServer.ApiVersion}) at ${second}; its base's amd64 variant: " +
            secondBase('amd64').take(200)
    ['amd64', 'arm64'].each { a -> // the engine's API (Docker 28: ?platform=), which the docker CLI 20.10 here does not ask
        def platform = URLEncoder.encode("{\"os\":\"linux\",\"architecture\":\"${a}\"}".toString(), 'UTF-8')
        def r = support.run(['curl', '-sS', '--unix-socket', socket, "http://engine/images/habitat-test-base:multi-platform/json?platform=${platform}".toString()])
        assert new groovy.json.JsonSlurper().parseText(r.out).Architecture == a : "the base's ${a} variant: ${r.out}"
    }
    context.put('support', support)
    context.put('registry', registry)
    context.put('host', host)
    context.put('dockerConfig', dockerConfig.path)
    context.put('second', second)
} catch (Throwable failed) {
    support.stopServers()
    throw failed
}
true
