// The engine builds the habitat for linux/amd64 and linux/arm64 and pushes: each final image runs its own
// architecture's binaries, the registry holds one index with both under the image's name and every snapshot under
// a tag naming its platform. Then a second engine (another machine: its own data root, network namespace and socket,
// with only the base an arm64 laptop has; see setup.groovy) asks for linux/arm64 alone: every phase up to 9-scripts
// (and 12-final) is pulled, bytes are downloaded, none is built, and the pulled final image runs arm64 binaries. The
// emulation cost and the pull are printed: each platform's build time from its report, the MB and seconds pulled.
def support = context.get('support')
def registry = context.get('registry')
String host = context.get('host')
def env = [DOCKER_CONFIG: context.get('dockerConfig')]
def name = 'it-multi'
def slurp = { File f -> new groovy.json.JsonSlurper().parse(f) }
def report = { String platform -> slurp(new File(basedir, "target/habitat/${name}/${platform}/report.json")) }
def statuses = { String platform -> report(platform).phases.collectEntries { [(it.phase): it.status] } }
def seconds = { Map r -> (java.time.Instant.parse(r.ended).toEpochMilli() - java.time.Instant.parse(r.started).toEpochMilli()) / 1000.0 }
def secondEnv = [DOCKER_HOST: context.get('second')]
def localTags = { Map on = [:] -> support.dockerWith(on, ['images', "habitat-${name}".toString(), '--format', '{{.Repository}}:{{.Tag}}']).readLines().findAll { it } }
def removeLocal = { Map on = [:] -> localTags(on).each { support.run(['/usr/bin/docker', 'rmi', '-f', it], null, on) } }
def image = "${host}/team/dev:1".toString()
try {
    removeLocal()
    def both = support.mvn(['habitat:build', '-Dhabitat.platforms=linux/amd64,linux/arm64', '-Dhabitat.push', "-Dhabitat.image=${image}".toString()],
            'both-build-push.log', env)
    assert both.rc == 0 : both.out
    assert both.out.contains('habitat: platform linux/amd64 (the engine\'s own)') && both.out.contains('habitat: platform linux/arm64 (emulated)')
    ['linux-amd64', 'linux-arm64'].each { p ->
        assert statuses(p).values().every { it == 'built' || it == 'cached' || it == 'passed' } : "${p}: ${statuses(p)}"
    }

    // each final image runs its own architecture's binaries, and its scripts ran on it
    def arch = { String ref, String platform, Map on = [:] ->
        support.dockerWith(on, ['run', '--rm', '--platform', platform, '--entrypoint', 'uname', ref, '-m'])
    }
    assert arch("habitat-${name}:12-final-linux-amd64", 'linux/amd64') == 'x86_64'
    assert arch("habitat-${name}:12-final-linux-arm64", 'linux/arm64') == 'aarch64'
    def entryOut = support.docker(['run', '--rm', '--platform', 'linux/arm64', "habitat-${name}:12-final-linux-arm64".toString()])
    assert entryOut.readLines().contains('aarch64') && !entryOut.contains('x86_64') : "the arm64 scripts ran on arm64: ${entryOut}"
    assert support.docker(['image', 'inspect', '-f', '{{.Architecture}}', "habitat-${name}:9-scripts-linux-arm64".toString()]) == 'arm64'

    // the registry: the image's name is one index of both platforms; every snapshot a tag naming its platform
    def accept = 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json'
    def index = registry.api('GET', '/v2/team/dev/manifests/1', accept)
    assert index.code == 200 : index
    def listed = new groovy.json.JsonSlurper().parseText(index.text)
    assert listed.mediaType in ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']
    assert listed.manifests*.platform*.architecture.sort() == ['amd64', 'arm64'] : listed
    assert registry.tags('team/dev').containsAll(['1', '1-linux-amd64', '1-linux-arm64'])
    def snapshots = registry.tags("team/habitat-${name}".toString())
    assert snapshots.size() == 20 : snapshots
    assert snapshots.count { it ==~ /\d+-[a-z]+-linux-arm64-[0-9a-f]{16}/ } == 10 && snapshots.count { it ==~ /\d+-[a-z]+-linux-amd64-[0-9a-f]{16}/ } == 10

    def amd = seconds(report('linux-amd64'))
    def arm = seconds(report('linux-arm64'))
    println String.format(Locale.ROOT, '[multi-platform] first build: linux/amd64 %.1f s, linux/arm64 (qemu) %.1f s, ratio %.2f', amd, arm, arm / amd)
    new File(basedir, 'target/emulation-cost.txt').text = "amd64 ${amd}\narm64 ${arm}\n"

    // nothing changed: a second build of both builds nothing on either platform
    def again = support.mvn(['habitat:build', '-Dhabitat.platforms=linux/amd64,linux/arm64'], 'both-again.log', env)
    assert again.rc == 0 : again.out
    assert again.out.count('is up to date; nothing to build') == 2 : again.out

    // a second machine asking for linux/arm64: another engine that has never seen the habitat, everything from the
    // registry, its layers downloaded
    assert localTags(secondEnv).isEmpty() : "the second engine has no snapshot of the habitat: ${localTags(secondEnv)}"
    def second = support.mvn(['habitat:build', '-Dhabitat.platforms=linux/arm64'], 'arm64-pull.log', env + secondEnv)
    assert second.rc == 0 : second.out
    def pull = second.out =~ /habitat: pulled 12-final from \Q${host}\E\/team\/habitat-${name}:12-final-linux-arm64-[0-9a-f]{16} \(([0-9.]+) MB downloaded, ([0-9.]+)s\)/
    assert pull.find() : second.out
    double mb = pull.group(1) as double
    // the engine held only the base (one layer) and built nothing: every layer above it was downloaded. They are small
    // (the phases' files, KB each), so the plugin's figure, in tenths of MB, may print 0.0
    def finalLayers = new groovy.json.JsonSlurper().parseText(support.dockerWith(secondEnv,
            ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', "habitat-${name}:12-final-linux-arm64".toString()]))
    assert finalLayers.size() > 1 : "the second engine downloaded the layers above the base: ${finalLayers}"
    def pulled = statuses('linux-arm64')
    ['1-base', '2-users', '3-env', '4-workdir', '5-habitat', '6-files', '7-repos', '8-tools', '9-scripts', '12-final'].each {
        assert pulled[it] == 'pulled' : "${it}: ${pulled}"
    }
    assert !pulled.values().contains('built') : pulled
    assert localTags(secondEnv).contains("habitat-${name}:12-final-linux-arm64".toString()) : localTags(secondEnv)
    assert arch("habitat-${name}:12-final-linux-arm64", 'linux/arm64', secondEnv) == 'aarch64'
    println String.format(Locale.ROOT, '[multi-platform] second engine, linux/arm64: pulled %.1f MB (%d layers above the base) in %s s, built nothing',
            mb, finalLayers.size() - 1, pull.group(2))
    new File(basedir, 'target/second-engine-pull.txt').text = "mb ${mb}\nseconds ${pull.group(2)}\n"
} finally {
    removeLocal()
    if (secondEnv.DOCKER_HOST) {
        removeLocal(secondEnv)
        support.run(['/usr/bin/docker', 'rmi', '-f', 'habitat-test-base:multi-platform'], null, secondEnv)
    }
    support.run(['/usr/bin/docker', 'rmi', '-f', image, 'habitat-test-base:multi-platform'])
    support.stopServers()
}
true
