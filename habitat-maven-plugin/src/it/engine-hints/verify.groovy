// An engine difference fails with the engine's name and the way out; following it, the build succeeds.
def support = context.get('support')
def name = 'it-hints'
def info = support.engineInfo()
try {
    def log = new File(basedir, 'build.log').text
    def errors = log.readLines().findAll { it.startsWith('[ERROR]') }.takeWhile { it.trim() != '[ERROR]' }
    def wayOut = errors.find { it.contains('way out:') }
    assert wayOut : "no way out among the errors:\n${errors.join('\n')}"
    assert wayOut.contains("Docker ${info.version} has no default bridge network".toString()) : wayOut
    assert wayOut.contains('-Dhabitat.network=host') : wayOut
    assert errors.any { it.contains('network bridge not found') } : 'the engine\'s own words are kept'
    def report = new groovy.json.JsonSlurper().parse(new File(basedir, "target/habitat/${name}/report.json"))
    assert report.failure.contains('way out:') : 'report.json carries the way out too'

    def r = support.mvn(['habitat:build', '-Dhabitat.network=host'], 'build-host-network.log')
    assert r.rc == 0 : r.out
    assert support.docker(['run', '--rm', '--network', 'host', "habitat-${name}:12-final".toString()]) == 'scripts ran as dev'
    support.removeSnapshots(name)
} finally {
    support.stopServers()
}
true
