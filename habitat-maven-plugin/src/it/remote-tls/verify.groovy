// Builds through the TLS endpoint as a user pointing Maven at a build server would: DOCKER_HOST=tcp://,
// DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH. A wrong CA and a missing client certificate fail with one clear line.
def support = context.get('support')
def tls = context.get('tls')
def name = 'it-remote-tls'
def fin = "habitat-${name}:12-final".toString()
def env = [DOCKER_HOST: tls.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls.certs]
def overTls = { List<String> args -> support.dockerWith(env, args) }
// the plugin's error lines: those before Maven's own advice, which follows the first blank [ERROR] line
def errors = { String out -> out.readLines().findAll { it.startsWith('[ERROR]') }.takeWhile { it.trim() != '[ERROR]' } }
try {
    def info = support.engineInfo()
    // auto: BuildKit where the engine has it, its context and secrets through a session opened over TLS
    def r1 = support.mvn(['habitat:build', '-X'], 'build-tls.log', env)
    assert r1.rc == 0 : r1.out
    assert r1.out.contains("at ${tls.host}") : 'the engine line names the TLS endpoint'
    if (info.buildkit) {
        assert r1.out.contains('habitat: build method buildkit')
        assert r1.out =~ /habitat: context through the BuildKit session: \d+ bytes sent/ : 'the session runs over TLS'
    }
    assert overTls(['run', '--rm', fin]) == 'hello over tls'
    assert overTls(['run', '--rm', '--entrypoint', 'cat', fin, '/home/dev/tls.txt']) == 'script ran as dev'
    assert tls.connections() > 0 : 'the builds went through the TLS endpoint'

    def r2 = support.mvn(['habitat:build', '-Dhabitat.buildMethod=docker-exec', '-Dhabitat.rebuild'], 'build-tls-exec.log', env)
    assert r2.rc == 0 : r2.out
    assert overTls(['image', 'inspect', '-f', '{{index .Config.Labels "habitat.method"}}', fin]) == 'docker-exec'
    assert overTls(['run', '--rm', fin]) == 'hello over tls'

    // a client certificate of another CA: the engine's endpoint refuses it, and our check of its certificate fails
    def r3 = support.mvn(['habitat:build', '-Dhabitat.rebuild'], 'build-wrong-ca.log', env + [DOCKER_CERT_PATH: tls.wrongCa])
    assert r3.rc != 0
    def e3 = errors(r3.out)
    assert e3.size() == 1 : "one error line, not:\n${e3.join('\n')}"
    assert e3[0].contains(tls.host) && e3[0].contains('TLS') && e3[0].contains(tls.wrongCa) : e3[0]

    // no client certificate at all
    def r4 = support.mvn(['habitat:build', '-Dhabitat.rebuild'], 'build-no-client-cert.log', env + [DOCKER_CERT_PATH: tls.noClient])
    assert r4.rc != 0
    def e4 = errors(r4.out)
    assert e4.size() == 1 : "one error line, not:\n${e4.join('\n')}"
    assert e4[0].contains(tls.host) && e4[0].contains('cert.pem') : e4[0]
    support.removeSnapshots(name)
} finally {
    support.stopServers()
}
true
