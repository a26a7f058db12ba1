// Shared by the build ITs (loaded with evaluate): run processes, Maven and docker, start a git server.
class ItSupport {
    File basedir
    String localRepo
    List<Process> servers = []
    List<Closeable> closeables = []
    List<com.sun.net.httpserver.HttpServer> httpServers = []

    /** Starts an IT: where it runs, its Maven repository, and no snapshots of its habitat left from before. */
    ItSupport init(File basedir, Object localRepositoryPath, String habitat) {
        this.basedir = basedir
        this.localRepo = localRepositoryPath.toString()
        removeSnapshots(habitat)
        this
    }

    /** Serves a one-commit repository and writes config.yaml from config.yaml.template pointing at it. */
    Map habitatWithRepository(String repoName, Map<String, String> files) {
        def git = gitServer(repoName, files)
        new File(basedir, 'src/main/habitat').mkdirs()
        new File(basedir, 'src/main/habitat/config.yaml').text =
                new File(basedir, 'config.yaml.template').text.replace('@GIT_URL@', git.url)
        git
    }

    static Map run(List<String> cmd, File dir = null, Map<String, String> env = [:]) {
        def pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        if (dir != null) pb.directory(dir)
        pb.environment().putAll(env)
        def p = pb.start()
        def out = p.inputStream.text
        p.waitFor()
        [rc: p.exitValue(), out: out]
    }

    /** Runs the plugin again in the IT project, offline, with the invoker's local repository. */
    Map mvn(List<String> args, String logName, Map<String, String> env = [:]) {
        def r = run(['mvn', '-B', '-o', '-llr', '-Dmaven.repo.local=' + localRepo] + args, basedir, env)
        new File(basedir, logName).text = r.out
        r
    }

    static String docker(List<String> args) {
        def r = run(['/usr/bin/docker'] + args)
        // A container that exits at once sometimes loses its output under load: Docker 26.1 logs "stream copy error:
        // reading from a closed fifo" and `docker run` exits 0 with nothing printed (seen in the engine matrix, three
        // engines on two cores). An empty answer of `docker run` is asked again, so a lost stream is never read as an
        // empty file or an empty listing (and an output that should be empty is still checked for being so).
        for (int again = 0; again < 2 && args && args[0] == 'run' && r.rc == 0 && r.out.trim().isEmpty(); again++) {
            r = run(['/usr/bin/docker'] + args)
        }
        assert r.rc == 0 : "docker ${args} failed:\n${r.out}"
        r.out.trim()
    }

    static String imageId(String ref) {
        def r = run(['/usr/bin/docker', 'image', 'inspect', '-f', '{{.Id}}', ref])
        r.rc == 0 ? r.out.trim() : null
    }

    static String label(String ref, String key) {
        docker(['image', 'inspect', '-f', "{{index .Config.Labels \"${key}\"}}".toString(), ref])
    }

    /** Ids of every snapshot of a habitat, by tag suffix (null when absent). */
    static Map<String, String> snapshotIds(String name) {
        def phases = ['1-base', '2-users', '3-env', '4-workdir', '5-habitat', '6-files', '7-repos', '8-tools', '9-scripts', '12-final']
        phases.collectEntries { [(it): imageId("habitat-${name}:${it}".toString())] }
    }

    static void removeSnapshots(String name) {
        removeSnapshotsOn([:], name)
    }

    static void removeSnapshotsOn(Map<String, String> env, String name) {
        snapshotIds(name).keySet().each { run(['/usr/bin/docker', 'rmi', '-f', "habitat-${name}:${it}".toString()], null, env) }
    }

    /** A bare repository with one commit, served by git daemon on 127.0.0.1 (stops by itself after 20 min). */
    Map gitServer(String repoName, Map<String, String> files) {
        def root = new File(basedir, 'target/git')
        def (bare, work) = bareRepository(root, new File(basedir, 'target/git-work/' + repoName), repoName, files)
        int port = new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
        def p = new ProcessBuilder(['timeout', '1200', 'git', 'daemon', '--reuseaddr', '--listen=127.0.0.1', "--port=${port}".toString(),
                '--base-path=' + root.path, '--export-all', root.path]).redirectErrorStream(true)
                .redirectOutput(new File(basedir, 'git-daemon.log')).start()
        servers << p
        // wait until it answers
        for (int i = 0; i < 50; i++) {
            try { new Socket('127.0.0.1', port).close(); break } catch (IOException e) { Thread.sleep(100) }
        }
        [url: "git://127.0.0.1:${port}/${repoName}.git".toString(), work: work, bare: bare]
    }

    /** HTTP basic auth of the test git servers: true when the request carries {@code expected}, else a 401 (counted). */
    static boolean authorized(com.sun.net.httpserver.HttpExchange ex, String expected, java.util.concurrent.atomic.AtomicInteger denied) {
        if (ex.requestHeaders.getFirst('Authorization') == expected) return true
        denied.incrementAndGet()
        ex.responseHeaders.add('WWW-Authenticate', 'Basic realm="habitat-it"')
        ex.sendResponseHeaders(401, -1)
        false
    }

    /**
     * A one-commit repository served over git's smart HTTP protocol on 127.0.0.1, behind HTTP basic auth
     * (only {@code user}:{@code token} may read). {@code denied} counts refused requests.
     */
    Map httpGitServer(String repoName, Map<String, String> files, String user, String token) {
        def root = new File(basedir, 'target/http-git')
        def (bare, work) = bareRepository(root, new File(basedir, 'target/http-git-work/' + repoName), repoName, files)
        def expected = 'Basic ' + Base64.encoder.encodeToString("${user}:${token}".toString().getBytes('UTF-8'))
        def denied = new java.util.concurrent.atomic.AtomicInteger()
        def served = new java.util.concurrent.atomic.AtomicInteger()
        def gitClient = new java.util.concurrent.atomic.AtomicInteger() // requests of the git CLI (clones), not JGit (ls-remote)
        def server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getByName('127.0.0.1'), 0), 0)
        server.createContext('/', { ex ->
            try {
                if (!authorized(ex, expected, denied)) return
                // git's smart HTTP protocol through git http-backend (CGI), as a real server would answer
                served.incrementAndGet()
                if ((ex.requestHeaders.getFirst('User-Agent') ?: '').startsWith('git/')) gitClient.incrementAndGet()
                def pb = new ProcessBuilder(['git', 'http-backend'])
                def env = pb.environment()
                env.putAll(['GIT_PROJECT_ROOT': root.path, 'GIT_HTTP_EXPORT_ALL': '1', 'REMOTE_USER': user,
                            'REQUEST_METHOD': ex.requestMethod, 'PATH_INFO': ex.requestURI.path,
                            'QUERY_STRING': ex.requestURI.rawQuery ?: '',
                            'CONTENT_TYPE': ex.requestHeaders.getFirst('Content-Type') ?: '',
                            'HTTP_CONTENT_ENCODING': ex.requestHeaders.getFirst('Content-Encoding') ?: '',
                            'GIT_PROTOCOL': ex.requestHeaders.getFirst('Git-Protocol') ?: ''])
                def cgi = pb.start()
                def feeder = Thread.start { cgi.outputStream.withStream { it << ex.requestBody } }
                byte[] out = cgi.inputStream.bytes
                cgi.waitFor()
                feeder.join()
                int split = -1
                for (int i = 0; i + 1 < out.length; i++) {
                    if (out[i] == 10 && out[i + 1] == 10) { split = i; break }
                    if (i + 3 < out.length && out[i] == 13 && out[i + 1] == 10 && out[i + 2] == 13 && out[i + 3] == 10) { split = i + 2; break }
                }
                assert split >= 0 : 'git http-backend answered without headers: ' + new String(out, 'UTF-8')
                int status = 200
                new String(out, 0, split, 'UTF-8').readLines().findAll { it.contains(':') }.each { line ->
                    def (k, v) = [line.substring(0, line.indexOf(':')).trim(), line.substring(line.indexOf(':') + 1).trim()]
                    if (k.equalsIgnoreCase('Status')) status = v.split(' ')[0] as int else ex.responseHeaders.add(k, v)
                }
                int bodyStart = split + 2
                byte[] body = Arrays.copyOfRange(out, Math.min(bodyStart, out.length), out.length)
                ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length)
                if (body.length > 0) ex.responseBody.write(body)
            } finally {
                ex.close()
            }
        } as com.sun.net.httpserver.HttpHandler)
        server.start()
        httpServers << server
        [url: "http://127.0.0.1:${server.address.port}/${repoName}.git".toString(), work: work, bare: bare, denied: denied, served: served,
         gitClient: gitClient]
    }

    /**
     * A one-commit repository served by a "dumb" HTTP server: the bare repository's files as static files (after
     * {@code git update-server-info}), no git protocol at all, on 127.0.0.1 behind HTTP basic auth. Git cannot clone
     * it shallow. {@code denied} counts refused requests, {@code gitClient} requests of the git CLI.
     */
    Map dumbHttpGitServer(String repoName, Map<String, String> files, String user, String token) {
        def root = new File(basedir, 'target/dumb-git')
        def (bare, work) = bareRepository(root, new File(basedir, 'target/dumb-git-work/' + repoName), repoName, files)
        assert run(['git', '-C', bare.path, 'update-server-info']).rc == 0
        def expected = 'Basic ' + Base64.encoder.encodeToString("${user}:${token}".toString().getBytes('UTF-8'))
        def denied = new java.util.concurrent.atomic.AtomicInteger()
        def gitClient = new java.util.concurrent.atomic.AtomicInteger()
        def served = root.canonicalFile.toPath()
        def server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getByName('127.0.0.1'), 0), 0)
        server.createContext('/', { ex ->
            try {
                if (!authorized(ex, expected, denied)) return
                if ((ex.requestHeaders.getFirst('User-Agent') ?: '').startsWith('git/')) gitClient.incrementAndGet()
                // static files only: a smart client's ?service=git-upload-pack is ignored, as a plain web server does
                def file = served.resolve(ex.requestURI.path.substring(1)).normalize()
                if (!file.startsWith(served) || !java.nio.file.Files.isRegularFile(file)) {
                    ex.sendResponseHeaders(404, -1)
                    return
                }
                byte[] body = java.nio.file.Files.readAllBytes(file)
                ex.responseHeaders.add('Content-Type', 'application/octet-stream')
                ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length)
                if (body.length > 0) ex.responseBody.write(body)
            } finally {
                ex.close()
            }
        } as com.sun.net.httpserver.HttpHandler)
        server.start()
        httpServers << server
        [url: "http://127.0.0.1:${server.address.port}/${repoName}.git".toString(), work: work, bare: bare, denied: denied,
         gitClient: gitClient]
    }

    /** Runs the plugin by its coordinates in {@code dir}, which may hold no pom.xml, offline with the invoker's repository. */
    Map mvnIn(File dir, List<String> args, String logName) {
        def r = run(['mvn', '-B', '-o', '-llr', '-Dmaven.repo.local=' + localRepo] + args, dir)
        new File(basedir, logName).text = r.out
        r
    }

    /** The version of the plugin under test, as the invoker installed it. */
    String pluginVersion() {
        def versions = new File(localRepo, 'dev/habitat/habitat-maven-plugin').listFiles().findAll { it.isDirectory() }*.name
        assert versions.size() == 1 : "one version of the plugin in ${localRepo}: ${versions}"
        versions[0]
    }

    /**
     * Where any of {@code values} (or its base64) occurs: every snapshot of the habitat ({@code docker save},
     * one tar for all), their history and image config, the files (and files under the directories) {@code paths}.
     * Empty when none.
     */
    List<String> findSecrets(String habitat, List<String> values, List<File> paths) {
        def needles = values.collectMany { [it, Base64.encoder.encodeToString(it.getBytes('UTF-8'))] }
        def found = []
        def tags = snapshotIds(habitat).findAll { it.value != null }.keySet().collect { "habitat-${habitat}:${it}".toString() }
        assert !tags.isEmpty() : "no snapshots of ${habitat} to scan"
        def saved = savedImages(tags)
        needles.each { n -> if (saved.contains(n)) found << "docker save of ${tags}" }
        tags.each { t ->
            def history = docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', t])
            def inspect = docker(['image', 'inspect', t])
            needles.each { n ->
                if (history.contains(n)) found << "docker history of ${t}"
                if (inspect.contains(n)) found << "image config of ${t}"
            }
        }
        def files = []
        paths.each { p -> p.isDirectory() ? p.eachFileRecurse(groovy.io.FileType.FILES) { files << it } : files << p }
        assert !files.isEmpty() : "no files to scan in ${paths}"
        files.each { f ->
            def text = new String(f.bytes, 'ISO-8859-1')
            needles.each { n -> if (text.contains(n)) found << f.path }
        }
        found.unique()
    }

    /** Whether {@code text} occurs in the snapshots' saved layers: the positive control of {@link #findSecrets}. */
    boolean inSavedImage(String tag, String text) {
        savedImages([tag]).contains(text)
    }

    /**
     * {@code docker save} of the images, every layer as plain bytes in a string for searching: the containerd
     * image store saves layers gzip-compressed as they are stored, so compressed blobs are inflated first.
     */
    String savedImages(List<String> tags) {
        def tar = new File(basedir, 'target/images-save.tar')
        def dir = new File(basedir, 'target/images-save')
        dir.deleteDir()
        dir.mkdirs()
        docker(['save', '-o', tar.path] + tags)
        def untar = run(['tar', '-xf', tar.path, '-C', dir.path])
        assert untar.rc == 0 : untar.out
        def out = new StringBuilder()
        dir.eachFileRecurse(groovy.io.FileType.FILES) { f ->
            byte[] head = new byte[2]
            f.withInputStream { it.read(head) }
            byte[] bytes = (head[0] == (byte) 0x1f && head[1] == (byte) 0x8b)
                    ? new java.util.zip.GZIPInputStream(new FileInputStream(f)).withCloseable { it.bytes } : f.bytes
            out.append(new String(bytes, 'ISO-8859-1'))
        }
        tar.delete()
        dir.deleteDir()
        out.toString()
    }

    /** {@code root/<name>.git} with one commit of {@code files}, pushed from a work tree at {@code work}. */
    List<File> bareRepository(File root, File work, String repoName, Map<String, String> files) {
        root.mkdirs()
        def bare = new File(root, repoName + '.git')
        assert run(['git', 'init', '-q', '--bare', '-b', 'main', bare.path]).rc == 0
        work.mkdirs()
        assert run(['git', 'init', '-q', '-b', 'main', work.path]).rc == 0
        commit(work, files, 'initial')
        assert run(['git', '-C', work.path, 'remote', 'add', 'origin', bare.path]).rc == 0
        assert run(['git', '-C', work.path, 'push', '-q', 'origin', 'main']).rc == 0
        [bare, work]
    }

    /**
     * A unix socket at {@code path} that forwards every connection to the engine's socket, so a test can
     * cut the engine off mid-build ({@code kill}) without stopping the engine other builds use.
     */
    Map engineProxy(String path, Integer gid = null) {
        new File(path).parentFile.mkdirs()
        new File(path).delete()
        def server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)
        server.bind(java.net.UnixDomainSocketAddress.of(path))
        // the habitat's docker group id comes from the socket it is given: the engine's socket's group, unless told
        java.nio.file.Files.setAttribute(java.nio.file.Path.of(path), 'unix:gid',
                gid != null ? gid : java.nio.file.Files.getAttribute(java.nio.file.Path.of(engineSocket()), 'unix:gid'))
        def open = Collections.synchronizedList([])
        Thread.start {
            try {
                while (true) {
                    def client = server.accept()
                    def engine = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(engineSocket()))
                    open << client << engine
                    pipe(client, engine)
                    pipe(engine, client)
                }
            } catch (IOException closed) {
            }
        }
        [host: 'unix://' + path, kill: { server.close(); open.each { try { it.close() } catch (IOException ignored) {} } }]
    }

    /**
     * Copies {@code from} to {@code to} on a daemon thread until either side ends, then closes both. {@code pass}
     * sees the size of each chunk before it goes; false drops it and ends the pipe (a connection cut mid-way).
     */
    static void pipe(java.nio.channels.SocketChannel from, java.nio.channels.SocketChannel to, Closure<Boolean> pass = { int n -> true }) {
        Thread.startDaemon {
            def buf = java.nio.ByteBuffer.allocate(65536)
            try {
                while (from.read(buf) >= 0) {
                    buf.flip()
                    if (!pass(buf.remaining())) return
                    while (buf.hasRemaining()) to.write(buf)
                    buf.clear()
                }
            } catch (IOException ignored) {
            } finally {
                [from, to].each { try { it.close() } catch (IOException ignored) {} }
            }
        }
    }

    static String commit(File work, Map<String, String> files, String message) {
        files.each { k, v -> def f = new File(work, k); f.parentFile.mkdirs(); f.text = v }
        assert run(['git', '-C', work.path, 'add', '-A']).rc == 0
        def r = run(['git', '-C', work.path, '-c', 'user.email=it@habitat.test', '-c', 'user.name=it', 'commit', '-q', '-m', message])
        assert r.rc == 0 : r.out
        run(['git', '-C', work.path, 'rev-parse', 'HEAD']).out.trim()
    }

    static void push(File work) {
        assert run(['git', '-C', work.path, 'push', '-q', 'origin', 'main']).rc == 0
    }

    /** The file tree and content digests of an image (see dump-tree.sh), one line each. */
    List<String> tree(String image) {
        treeOn([:], image)
    }

    /** The tree listing of an image on another engine ({@code env} names it: DOCKER_HOST). */
    List<String> treeOn(Map<String, String> env, String image) {
        // the script goes in on stdin, not as a bind mount: an engine in its own mount namespace (the matrix's),
        // a remote one or Podman's VM does not see this machine's paths
        def script = new File(basedir, '../../../src/it/_shared/dump-tree.sh').canonicalFile
        def pb = new ProcessBuilder(['/usr/bin/docker', 'run', '-i', '--rm', '-u', '0', '--entrypoint', '/bin/sh', image, '-s'])
                .redirectErrorStream(true).redirectInput(script)
        pb.environment().putAll(env)
        def p = pb.start()
        def out = p.inputStream.text
        assert p.waitFor() == 0 : out
        out.readLines()
    }

    /** The parts of an image config both build methods must agree on. */
    static Map config(String image) {
        configOn([:], image)
    }

    static Map configOn(Map<String, String> env, String image) {
        def c = new groovy.json.JsonSlurper().parseText(dockerWith(env, ['image', 'inspect', '-f', '{{json .Config}}', image]))
        def labels = new TreeMap(c.Labels ?: [:])
        labels.remove('habitat.method')
        [Env: c.Env, User: c.User, WorkingDir: c.WorkingDir, Entrypoint: c.Entrypoint ?: [], Cmd: c.Cmd ?: [], Labels: labels]
    }

    /** A readable diff of two line lists (at most 60 lines), empty when equal. */
    static String diff(List<String> a, List<String> b, String nameA, String nameB) {
        def onlyA = a - b
        def onlyB = b - a
        if (onlyA.isEmpty() && onlyB.isEmpty()) return ''
        def out = ["--- only in ${nameA} (${onlyA.size()})".toString()] + onlyA.take(30).collect { '- ' + it } +
                ["+++ only in ${nameB} (${onlyB.size()})".toString()] + onlyB.take(30).collect { '+ ' + it }
        out.join('\n')
    }

    /** The snapshotted phases' tag suffixes, in build order. */
    static final List<String> SNAPSHOT_ORDER = ['1-base', '2-users', '3-env', '4-workdir', '5-habitat', '6-files', '7-repos',
                                                '8-tools', '9-scripts', '12-final']

    /** The labels of an image (empty when it does not exist). */
    static Map<String, String> labels(String ref) {
        def r = run(['/usr/bin/docker', 'image', 'inspect', '-f', '{{json .Config.Labels}}', ref])
        r.rc == 0 ? new groovy.json.JsonSlurper().parseText(r.out.trim()) as Map : [:]
    }

    /**
     * What an interrupted build (SIGKILL, or the engine lost) may leave, as the README promises, whenever the
     * interruption came: snapshots of a prefix of the phases before {@code building}, nothing of {@code building}
     * or later; each snapshot is of its own phase and agrees with the earlier ones on their hashes. Returns the
     * snapshots left (tag suffix to image id, in order); whether their hashes are current is checked by
     * {@link #assertResumesAfterInterruption}, against the final image the next build makes.
     */
    static Map<String, String> assertOnlyValidSnapshotsBefore(String habitat, String building) {
        def ids = snapshotIds(habitat)
        def tagged = SNAPSHOT_ORDER.findAll { ids[it] != null }
        assert tagged == SNAPSHOT_ORDER.take(tagged.size()) : "the snapshots left are the first phases' (in order): ${ids}"
        assert tagged.size() <= SNAPSHOT_ORDER.indexOf(building) : "nothing of ${building} or later is tagged: ${ids}"
        def previous = [:]
        tagged.each { tag ->
            def l = labels("habitat-${habitat}:${tag}".toString())
            assert l['habitat.phase'] == tag && l['habitat.name'] == habitat : "habitat-${habitat}:${tag} is that phase's snapshot: ${l}"
            def hashes = l.findAll { it.key.startsWith('habitat.hash.') }
            assert hashes.entrySet().containsAll(previous.entrySet()) : "habitat-${habitat}:${tag} continues the snapshot before it: ${l}"
            previous = hashes
        }
        tagged.collectEntries { [(it): ids[it]] }
    }

    /**
     * The build after an interruption: it resumes from a snapshot at least as new as the newest one left (a tag the
     * interrupted build had requested may land after the check) and reuses it, removes what the interrupted build
     * left behind, and finishes; every snapshot then carries the hashes the final image has (the current ones).
     */
    Map assertResumesAfterInterruption(String habitat, String method, Map<String, String> left, String logName) {
        def r = mvn(['habitat:build', '-Dhabitat.buildMethod=' + method], logName)
        assert r.rc == 0 : r.out
        def resumed = (r.out =~ /resuming from snapshot habitat-${habitat}:(\S+)/)
        if (!left.isEmpty()) {
            String newest = left.keySet().last()
            assert resumed.find() : "resumes from a snapshot: ${r.out}"
            assert SNAPSHOT_ORDER.indexOf(resumed.group(1)) >= SNAPSHOT_ORDER.indexOf(newest) : "resumes from ${newest} or newer: ${r.out}"
        }
        if (method == 'docker-exec') {
            assert r.out.contains('removing build container') : 'the interrupted build left its container; the next build removes it'
        }
        assert buildContainers(habitat).isEmpty()
        def ids = snapshotIds(habitat)
        assert SNAPSHOT_ORDER.every { ids[it] != null } : "every snapshot is tagged: ${ids}"
        left.each { tag, id -> assert ids[tag] == id : "${tag}, left by the interrupted build, is reused as it was" }
        def current = labels("habitat-${habitat}:12-final".toString()).findAll { it.key.startsWith('habitat.hash.') }
        SNAPSHOT_ORDER.each { tag ->
            def hashes = labels("habitat-${habitat}:${tag}".toString()).findAll { it.key.startsWith('habitat.hash.') }
            assert current.entrySet().containsAll(hashes.entrySet()) : "habitat-${habitat}:${tag} carries the current hashes"
        }
        r
    }

    static List<String> buildContainers(String habitat) {
        run(['/usr/bin/docker', 'ps', '-a', '--format', '{{.Names}}']).out.readLines()
                .findAll { it ==~ /habitat-build-${habitat}-[0-9a-f]{8}/ }
    }

    /** The unix socket of the engine this run uses: DOCKER_HOST's (the engine matrix sets it), else the default. */
    static String engineSocket() {
        def host = System.getenv('DOCKER_HOST') ?: ''
        host.startsWith('unix://') ? host.substring('unix://'.length()) : '/var/run/docker.sock'
    }

    /** What the run's engine is: Podman or Docker, and whether it builds with BuildKit (Docker, API 1.39 and later). */
    static Map engineInfo() {
        def server = new groovy.json.JsonSlurper().parseText(docker(['version', '--format', '{{json .Server}}']))
        boolean podman = (server.Components ?: []).any { (it.Name ?: '').toLowerCase().contains('podman') }
        def (major, minor) = (server.ApiVersion ?: '0.0').tokenize('.').collect { it as int }
        [podman: podman, buildkit: !podman && (major > 1 || minor >= 39), version: server.Version]
    }

    /** The docker CLI with extra environment (a TLS endpoint, another engine). */
    static String dockerWith(Map<String, String> env, List<String> args) {
        def r = run(['/usr/bin/docker'] + args, null, env)
        assert r.rc == 0 : "docker ${args} failed:\n${r.out}"
        r.out.trim()
    }

    /**
     * A TLS endpoint on 127.0.0.1 in front of the run's engine (socat, verifying client certificates against a CA
     * made here). Returns its tcp:// host, a DOCKER_CERT_PATH with the right CA and client certificate, one whose
     * CA and client certificate are another CA's, one without a client certificate, and a count of connections.
     */
    Map tlsEngine() {
        def dir = new File(basedir, 'target/tls')
        dir.deleteDir()
        dir.mkdirs()
        def ossl = { List<String> args ->
            def r = run(['openssl'] + args, dir)
            assert r.rc == 0 : "openssl ${args}:\n${r.out}"
        }
        def ca = { String prefix, String cn ->
            ossl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', "${prefix}-key.pem".toString(), '-out', "${prefix}.pem".toString(),
                  '-days', '2', '-subj', "/CN=${cn}".toString()])
        }
        def signed = { String prefix, String caPrefix, String cn, String ext ->
            new File(dir, "${prefix}.ext").text = ext
            ossl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', "${prefix}-key.pem".toString(), '-out', "${prefix}.csr".toString(),
                  '-subj', "/CN=${cn}".toString()])
            ossl(['x509', '-req', '-in', "${prefix}.csr".toString(), '-CA', "${caPrefix}.pem".toString(), '-CAkey', "${caPrefix}-key.pem".toString(),
                  '-CAcreateserial', '-out', "${prefix}-cert.pem".toString(), '-days', '2', '-extfile', "${prefix}.ext".toString()])
        }
        ca('ca', 'habitat-it-ca')
        ca('other-ca', 'habitat-it-other-ca')
        signed('server', 'ca', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
        signed('client', 'ca', 'habitat-it-client', 'extendedKeyUsage=clientAuth\n')
        signed('other-client', 'other-ca', 'habitat-it-other-client', 'extendedKeyUsage=clientAuth\n')
        def certPath = { String name, String caPem, String certPrefix ->
            def d = new File(dir, name)
            d.mkdirs()
            java.nio.file.Files.copy(new File(dir, caPem).toPath(), new File(d, 'ca.pem').toPath())
            if (certPrefix != null) {
                java.nio.file.Files.copy(new File(dir, "${certPrefix}-cert.pem").toPath(), new File(d, 'cert.pem').toPath())
                java.nio.file.Files.copy(new File(dir, "${certPrefix}-key.pem").toPath(), new File(d, 'key.pem').toPath())
            }
            d.canonicalPath
        }
        ossl(['pkcs12', '-export', '-in', 'server-cert.pem', '-inkey', 'server-key.pem', '-out', 'server.p12', '-passout', 'pass:it-only'])
        def forwarder = new TlsForwarder(new File(dir, 'server.p12'), 'it-only', new File(dir, 'ca.pem'), engineSocket())
        closeables << forwarder
        [host: "tcp://127.0.0.1:${forwarder.port}".toString(), certs: certPath('certs', 'ca.pem', 'client'),
         wrongCa: certPath('wrong-ca', 'other-ca.pem', 'other-client'), noClient: certPath('no-client', 'ca.pem', null),
         connections: { forwarder.accepted.get() }]
    }

    /** A registry with basic auth both engines reach at 127.0.0.1:port (see TestRegistry); stopped with the servers. */
    TestRegistry registry(File dir, String user, String password) {
        def r = new TestRegistry(dir, user, password)
        closeables << r
        r
    }

    void stopServers() {
        servers.each { it.destroy() }
        closeables.each { it.close() }
        httpServers.each { it.stop(0) }
    }
}

/**
 * A TLS endpoint on 127.0.0.1 in front of the engine's unix socket, as a remote engine with --tlsverify is:
 * it presents a server certificate of the test CA and requires a client certificate of that CA. Each
 * accepted connection is piped both ways (hijacked BuildKit sessions included) on daemon threads.
 */
class TlsForwarder implements Closeable {
    final javax.net.ssl.SSLServerSocket server
    final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger()

    TlsForwarder(File serverP12, String password, File caPem, String engineSocket) {
        def keys = java.security.KeyStore.getInstance('PKCS12')
        serverP12.withInputStream { keys.load(it, password.toCharArray()) }
        def kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.defaultAlgorithm)
        kmf.init(keys, password.toCharArray())
        def trusted = java.security.KeyStore.getInstance('PKCS12')
        trusted.load(null, null)
        caPem.withInputStream { trusted.setCertificateEntry('ca', java.security.cert.CertificateFactory.getInstance('X.509').generateCertificate(it)) }
        def tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.defaultAlgorithm)
        tmf.init(trusted)
        def tls = javax.net.ssl.SSLContext.getInstance('TLS')
        tls.init(kmf.keyManagers, tmf.trustManagers, null)
        server = (javax.net.ssl.SSLServerSocket) tls.serverSocketFactory.createServerSocket(0, 50, InetAddress.getByName('127.0.0.1'))
        server.needClientAuth = true
        Thread.startDaemon('tls-forwarder') {
            while (!server.closed) {
                Socket client
                try { client = server.accept() } catch (IOException e) { break }
                accepted.incrementAndGet()
                Thread.startDaemon('tls-forwarder-conn') { pipe((javax.net.ssl.SSLSocket) client, engineSocket) }
            }
        }
    }

    int getPort() { server.localPort }

    private static void pipe(javax.net.ssl.SSLSocket client, String engineSocket) {
        java.nio.channels.SocketChannel engine
        try {
            client.startHandshake()
            engine = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(engineSocket))
        } catch (IOException e) {
            client.close()
            return
        }
        def open = new java.util.concurrent.atomic.AtomicInteger(2)
        def finish = { -> if (open.decrementAndGet() == 0) { client.close(); engine.close() } }
        def fail = { -> try { client.close() } catch (IOException ignored) { }; try { engine.close() } catch (IOException ignored) { } }
        Thread.startDaemon('tls-forwarder-up') {
            byte[] buf = new byte[65536]
            try {
                int n
                while ((n = client.inputStream.read(buf)) >= 0) {
                    def bb = java.nio.ByteBuffer.wrap(buf, 0, n)
                    while (bb.hasRemaining()) { engine.write(bb) }
                }
                engine.shutdownOutput()
                finish()
            } catch (IOException e) { fail() }
        }
        def bb = java.nio.ByteBuffer.allocate(65536)
        try {
            while (engine.read(bb) >= 0) {
                client.outputStream.write(bb.array(), 0, bb.position())
                client.outputStream.flush()
                bb.clear()
            }
            client.shutdownOutput()
            finish()
        } catch (IOException e) { fail() }
    }

    void close() { server.close() }
}

/**
 * Debian's docker-registry (distribution 2.8) with htpasswd basic auth, its storage under {@code dir}, and the
 * way both engines reach it at the same address, 127.0.0.1:{@code port}:
 * <ul>
 * <li>in this process's network namespace (the run's engine's), a gate on 127.0.0.1:port forwards to the
 * registry's own port; the test can stop it ({@link #down}: connections refused) or cut it after some bytes
 * sent to the registry ({@link #cutAfter}: a push broken mid-way);</li>
 * <li>in every other engine's network namespace (HABITAT_IT_REFERENCE_NETNS, HABITAT_IT_SECOND_NETNS and
 * HABITAT_IT_SHARING_ENGINES name them),
 * socat listens on its 127.0.0.1:port
 * and forwards over a unix socket to the gate (engines treat 127.0.0.0/8 registries as insecure: plain HTTP).</li>
 * </ul>
 * Every process is stopped by its pid ({@link #close}).
 */
class TestRegistry implements Closeable {
    final String user
    final String password
    int port
    int backendPort
    Process registry
    List<Process> hostForwarders = []
    java.nio.channels.ServerSocketChannel gate
    java.nio.channels.ServerSocketChannel unixListener
    File socketDir
    final List<java.nio.channels.SocketChannel> open = Collections.synchronizedList([])
    final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong()
    volatile long cutAt = Long.MAX_VALUE
    volatile boolean refusing

    TestRegistry(File dir, String user, String password) {
        this.user = user
        this.password = password
        dir.mkdirs()
        backendPort = freePort()
        def htpasswd = ItSupport.run(['htpasswd', '-Bbn', user, password])
        assert htpasswd.rc == 0 : htpasswd.out
        new File(dir, 'htpasswd').text = htpasswd.out.trim() + '\n'
        new File(dir, 'config.yml').text = """\
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: ${new File(dir, 'data').path}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:${backendPort}
            auth:
              htpasswd:
                realm: habitat-it
                path: ${new File(dir, 'htpasswd').path}
            """.stripIndent()
        registry = new ProcessBuilder(['timeout', '3600', '/usr/bin/docker-registry', 'serve', new File(dir, 'config.yml').path])
                .redirectErrorStream(true).redirectOutput(new File(dir, 'registry.log')).start()
        waitFor { api('GET', '/v2/').code == 200 }
        openGate(dir)
    }

    static int freePort() {
        new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
    }

    private static void waitFor(Closure<Boolean> ready) {
        for (int i = 0; i < 100; i++) {
            try {
                if (ready()) return
            } catch (IOException ignored) {
            }
            Thread.sleep(100)
        }
        assert false : 'the registry did not answer'
    }

    private void openGate(File dir) {
        // the other engines' network namespaces, as .ci/matrix.sh names them (HABITAT_IT_REFERENCE_NETNS: the reference
        // engine's; HABITAT_IT_SECOND_NETNS: the second engine's, multi-platform's; HABITAT_IT_SHARING_ENGINES: the
        // further engines of registry-sharing, name|host|netns;...), but ours
        def self = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of('/proc/self/ns/net'))
        List<String> namespaces = ([System.getenv('HABITAT_IT_REFERENCE_NETNS'), System.getenv('HABITAT_IT_SECOND_NETNS')]
                + (System.getenv('HABITAT_IT_SHARING_ENGINES') ?: '').tokenize(';').collect { it.tokenize('|')[2] })
                .findAll { it && java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of(it)) != self }
                .unique { java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of(it)) }
        for (int attempt = 0; attempt < 5; attempt++) {
            gate = java.nio.channels.ServerSocketChannel.open()
            gate.bind(new InetSocketAddress(InetAddress.getByName('127.0.0.1'), 0))
            port = ((InetSocketAddress) gate.localAddress).port
            serve(gate) { openBackend() }
            if (namespaces.isEmpty()) return
            // in a directory of its own under /tmp: a unix socket's path has at most 107 bytes, and the IT's directory
            // is as deep as the checkout (a clone in /tmp/ci-clone-engines made it 110)
            socketDir = socketDir ?: java.nio.file.Files.createTempDirectory('habitat-gate').toFile()
            def socketPath = new File(socketDir, 'gate.sock')
            socketPath.delete()
            unixListener = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)
            unixListener.bind(java.net.UnixDomainSocketAddress.of(socketPath.path))
            serve(unixListener) { java.nio.channels.SocketChannel.open(new InetSocketAddress(InetAddress.getByName('127.0.0.1'), port)) }
            hostForwarders = namespaces.collect { netns ->
                new ProcessBuilder(['timeout', '3600', 'nsenter', "--net=${netns}".toString(), 'socat',
                        "TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork".toString(), "UNIX-CONNECT:${socketPath.path}".toString()])
                        .redirectErrorStream(true).redirectOutput(new File(dir, "socat-${port}-${netns.replaceAll('[^a-z0-9]', '_')}.log")).start()
            }
            Thread.sleep(500)
            if (hostForwarders.every { it.alive }) return
            // the port is taken in one of the namespaces: another one
            hostForwarders.each { it.destroy() }
            hostForwarders = []
            [gate, unixListener].each { it.close() }
        }
        assert false : 'no port was free in every network namespace'
    }

    private java.nio.channels.SocketChannel openBackend() {
        if (refusing) throw new IOException('the gate is down')
        java.nio.channels.SocketChannel.open(new InetSocketAddress(InetAddress.getByName('127.0.0.1'), backendPort))
    }

    /** Accepts on {@code server} and pipes each connection both ways to what {@code connect} opens. */
    private void serve(java.nio.channels.ServerSocketChannel server, Closure<java.nio.channels.SocketChannel> connect) {
        Thread.startDaemon {
            try {
                while (true) {
                    def client = server.accept()
                    try {
                        def upstream = connect()
                        open << client << upstream
                        // the bytes toward the registry count toward a cut
                        ItSupport.pipe(client, upstream) { int n -> sent.addAndGet(n) <= cutAt || { down(); false }() }
                        ItSupport.pipe(upstream, client)
                    } catch (IOException refused) {
                        client.close()
                    }
                }
            } catch (IOException closed) {
            }
        }
    }

    /** Closes every open connection and refuses new ones until {@link #up}. */
    void down() {
        refusing = true
        new ArrayList(open).each { try { it.close() } catch (IOException ignored) {} }
        open.clear()
    }

    void up() {
        cutAt = Long.MAX_VALUE
        refusing = false
    }

    /** Lets {@code bytes} more through to the registry, then cuts every connection (a push broken mid-way). */
    void cutAfter(long bytes) {
        cutAt = sent.get() + bytes
    }

    /** A registry API call straight to the registry (not through the gate), with basic auth. */
    Map api(String method, String path, String accept = null) {
        def c = (HttpURLConnection) new URL("http://127.0.0.1:${backendPort}${path}").openConnection()
        c.requestMethod = method
        c.setRequestProperty('Authorization', 'Basic ' + Base64.encoder.encodeToString("${user}:${password}".toString().getBytes('UTF-8')))
        if (accept) c.setRequestProperty('Accept', accept)
        int code = c.responseCode
        def text = code < 400 && method != 'HEAD' ? c.inputStream.text : ''
        [code: code, text: text]
    }

    /** The tags of a repository in the registry (none when the repository does not exist). */
    List<String> tags(String repository) {
        def r = api('GET', "/v2/${repository}/tags/list")
        r.code == 404 ? [] : (new groovy.json.JsonSlurper().parseText(r.text).tags ?: []).sort()
    }

    /**
     * The tags whose image is not whole: the manifest, or a blob it names (config and layers), missing. The
     * registry links a tag only when its manifest is put, and refuses a manifest whose blobs it lacks.
     */
    List<String> incompleteTags(String repository) {
        def accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'
        tags(repository).findAll { tag ->
            def m = api('GET', "/v2/${repository}/manifests/${tag}", accept)
            if (m.code != 200) return true
            def manifest = new groovy.json.JsonSlurper().parseText(m.text)
            def digests = [manifest.config.digest] + manifest.layers*.digest
            digests.any { api('HEAD', "/v2/${repository}/blobs/${it}").code != 200 }
        }
    }

    @Override
    void close() {
        down()
        [gate, unixListener].each { try { it?.close() } catch (IOException ignored) {} }
        (hostForwarders + [registry]).each { p ->
            if (p != null) {
                p.destroy()
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly()
            }
        }
        socketDir?.deleteDir()
    }
}
