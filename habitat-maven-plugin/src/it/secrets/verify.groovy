// Secrets through a BuildKit session (and the exec environment for docker-exec): authenticated clones (smart HTTP,
// and a dumb HTTP server that cannot clone shallow, so the clone is a full one) and
// a script secret work with both methods, and no value is in any snapshot, history, label, file or log.
def support = context.get('support')
def git = context.get('git')
def dumb = context.get('dumb')
String repoToken = context.get('repoToken')
String scriptToken = context.get('scriptToken')
List<String> settingsArgs = context.get('settingsArgs')
def name = 'it-secrets'
def tag = "habitat-${name}:12-final".toString()
def withToken = ['HABITAT_IT_REPO_TOKEN': repoToken]
def logs = []
def build = { List<String> args, String log, Map env ->
    logs << new File(basedir, log)
    support.mvn(['habitat:build', '-Dhabitat.verbose'] + settingsArgs + args, log, env)
}
def inImage = { String cmd -> support.docker(['run', '--rm', '--entrypoint', '/bin/sh', tag, '-c', cmd]) }
def scriptHash = java.security.MessageDigest.getInstance('SHA-256').digest(scriptToken.getBytes('UTF-8')).encodeHex().toString()
def checkImage = { String method ->
    assert support.label(tag, 'habitat.method') == method
    assert inImage('cat /src/private/README.md') == 'private content'
    assert inImage('cat /home/dev/private-origin.txt') == git.url : 'the remote URL carries no credentials'
    assert inImage('cat /src/dumb/README.md') == 'dumb content' : 'cloned in full from the dumb server'
    assert inImage('git -C /src/dumb config --get remote.origin.url') == dumb.url : 'no credentials in its remote URL'
    assert inImage('test ! -e /src/dumb/.git/shallow && echo full') == 'full'
    assert inImage('cat /home/dev/script-token.sha256') == scriptHash : 'the script read the settings.xml secret'
    assert inImage('test ! -e /secret-outside-its-script && echo absent') == 'absent' : 'a secret is only mounted for its script'
    def found = support.findSecrets(name, [repoToken, scriptToken], [new File(basedir, 'target/habitat')] + logs)
    assert found.isEmpty() : "secret values found in: ${found}"
}
try {
    def missing = build([], 'build-missing.log', [:])
    assert missing.rc != 0
    assert missing.out.contains("secret 'repo-token'") && missing.out.contains('HABITAT_IT_REPO_TOKEN is not set') : missing.out
    assert !missing.out.contains('engine ') : 'refused before any engine call'

    // a wrong token fails naming the repo and the secret, and its value is not printed either
    def wrongValue = 'wrong-' + UUID.randomUUID()
    def wrong = build([], 'build-wrong.log', ['HABITAT_IT_REPO_TOKEN': wrongValue])
    assert wrong.rc != 0
    assert wrong.out.contains(git.url) && wrong.out.contains("secret 'repo-token'") : wrong.out
    assert !wrong.out.contains(wrongValue)
    assert git.denied.get() > 0

    def bk = build([], 'build-buildkit.log', withToken)
    assert bk.rc == 0 : bk.out
    assert bk.out.contains('script sees ****') : 'step output is masked in the log'
    assert support.inSavedImage(tag, 'private content') : 'positive control: the scan finds content that is in the image'
    checkImage('buildkit')
    def fullClone = "${dumb.url} is served by a dumb HTTP server, which cannot do a shallow clone: cloning the whole history"
    assert bk.out.contains(fullClone) : 'the fallback is in the log: ' + bk.out
    assert dumb.gitClient.get() > 0 && dumb.denied.get() > 0 : 'git asked the dumb server, first without credentials'
    def clones = git.gitClient.get()
    assert clones > 0 : 'the clone went through the authenticated server'
    def report = new groovy.json.JsonSlurper().parse(new File(basedir, "target/habitat/${name}/report.json"))
    def reposStages = report.phases.find { it.phase == '7-repos' }.stages
    assert reposStages*.stage.containsAll(['repos-clone-0', 'repos-clone-1', 'repos']) : reposStages

    // a copied file changed: files and later phases are rebuilt, but the repositories are not cloned again
    new File(basedir, 'src/main/habitat/notes.txt').text = 'changed\n'
    def edit = build([], 'build-edit.log', withToken)
    assert edit.rc == 0 && edit.out.contains('first stale phase is 6-files') : edit.out
    assert git.gitClient.get() == clones : 'no git request from the build: the clone stages came from the cache'
    def editReport = new groovy.json.JsonSlurper().parse(new File(basedir, "target/habitat/${name}/report.json"))
    def editRepos = editReport.phases.find { it.phase == '7-repos' }
    assert editRepos.status == 'built' && editRepos.stages.findAll { it.stage.startsWith('repos-clone-') }.every { it.cached } : editRepos
    assert inImage('cat /workspace/notes.txt') == 'changed'
    checkImage('buildkit')

    def noop = build([], 'build-noop.log', withToken)
    assert noop.rc == 0 && noop.out.contains('is up to date') : noop.out

    def exec = build(['-Dhabitat.buildMethod=docker-exec', '-Dhabitat.rebuild'], 'build-exec.log', withToken)
    assert exec.rc == 0 : exec.out
    assert exec.out.contains('script sees ****')
    assert git.gitClient.get() > clones : 'docker-exec cloned through the server too'
    assert exec.out.contains(fullClone) : 'docker-exec falls back and says so too'
    checkImage('docker-exec')
    assert support.buildContainers(name).isEmpty()
} finally {
    support.stopServers()
    support.removeSnapshots(name)
}
true
