// A habitat in the original tool's shapes builds, in a checkout with no pom.xml: a bypass habitat whose repository
// (on a local git server) is cloned into WORKDIR and holds its tests, system and shared layers with tests of their
// own, a git-ignored per-user file of the shared layer and files of the user's home that are not there.
def support = context.get('support')
def git = context.get('git')
def name = 'it-original-bypass'
def tag = "habitat-${name}:12-final".toString()
def layout = new File(basedir, 'layout')
def config = "habitats/${name}/config.yaml".toString()
def plugin = "dev.habitat:habitat-maven-plugin:${support.pluginVersion()}".toString()
def home = System.getProperty('user.home')

// What the original tolerated is a located warning, each once; nothing is an error.
def checkWarnings = { String out ->
    def warnings = out.readLines().findAll { it.startsWith('[WARNING]') && it.contains(layout.canonicalPath) }
    assert !out.contains('[ERROR]') : out
    def one = { String needle -> def found = warnings.findAll { it.contains(needle) }; assert found.size() == 1 : "${needle}:\n${out}"; found[0] }
    assert one('shared/config.yaml:8:10: files[0].src: source not found: ' + layout.canonicalPath + '/shared/gitconfig; '
            + 'skipped, since it is in the shared layer')
    assert one('system/config.yaml:18:10: files[0].src: source not found: ' + home + '/.habitat-it-original-bypass-absent; '
            + 'skipped, since it is in your home directory')
    assert one("${name}/config.yaml:28:10: files[2].src: source not found: ${home}/.habitat-it-original-bypass-absent/"
            + '.credentials.json; skipped, since it is in your home directory')
    def skipped = one('system/shared test(s) skipped')
    assert skipped.contains('3 system/shared test(s) skipped (system tests/core.sh, system tests/files.sh, shared tests/user.sh)'
            + ': entry.bypass_habitat_construction') : skipped
    // the layers' names are the original's too; they apply per habitat, so each is a warning of its own
    one('system/config.yaml:2:1: name: \'name\' in the system layer is ignored')
    one('shared/config.yaml:2:1: name: \'name\' in the shared layer is ignored')
    assert warnings.size() == 6 : warnings.join('\n')
}
checkWarnings(new File(basedir, 'build.log').text)

try {
    assert !new File(layout, 'pom.xml').exists()
    def build = support.mvnIn(layout, [plugin + ':build', '-Dhabitat.config=' + config, '-Dhabitat.network=host',
                                       '-Dhabitat.verbose'], 'build-no-pom.log')
    assert build.rc == 0 : build.out
    checkWarnings(build.out)
    // the habitat's tests ran from the clone, each from where the original ran it; the layers' tests did not run
    assert build.out.contains('ok - check.sh from the cloned repository, in /workspace\n') : build.out
    assert build.out.contains("ok - tools.sh from the cloned repository, in /workspace/habitats/${name}\n") : build.out
    assert !build.out.contains('SYSTEM TEST RAN') && !build.out.contains('SHARED TEST RAN') : build.out
    assert new File(layout, "target/habitat/${name}/report.json").isFile() : 'output under the working directory'

    def inImage = { String cmd -> support.docker(['run', '--rm', '--entrypoint', '/bin/sh', tag, '-c', cmd]) }
    assert inImage('cat /workspace/README.md') == 'the habitat repository'
    def head = support.run(['git', '-C', git.work.path, 'rev-parse', 'HEAD']).out.trim()
    assert inImage('git -C /workspace rev-parse HEAD') == head : 'WORKDIR is the clone, at the served commit'
    assert inImage("test -f /workspace/habitats/${name}/tests/check.sh && echo there") == 'there'
    // the layers copied over the clone after repos, owned by USER; the per-user files were skipped
    assert inImage('stat -c %U /workspace/system/config.yaml /workspace/shared/config.yaml /workspace') == 'dev\ndev\ndev'
    assert inImage('cat /workspace/system/GUIDE.md /GUIDE.md') == 'Read me first.\nRead me first.'
    assert inImage('test ! -e /workspace/shared/gitconfig && test ! -e /etc/gitconfig && test ! -e /.assistant '
            + '&& test ! -e /home/dev/.assistant && echo skipped') == 'skipped'
    // no layer directory is copied to a *_PATH (bypass): nothing at the system layer's own /habitat paths
    assert inImage('test ! -e /habitat && echo none') == 'none'
    // the system and shared scripts still apply, as the plugin applies every layer's scripts
    assert inImage('cat /etc/habitat-it-system-script /home/dev/shared-script') == 'system script\nshared script as dev'
    assert support.config(tag).User == 'dev' && support.config(tag).WorkingDir == '/workspace'

    // A test the repository does not have fails the test phase, saying where it looked.
    new File(layout, "habitats/${name}/config-absent-test.yaml").text = new File(layout, config).text + '  - tests/absent.sh\n'
    def absent = support.mvnIn(layout, [plugin + ':build', "-Dhabitat.config=habitats/${name}/config-absent-test.yaml".toString(),
                                        '-Dhabitat.network=host'], 'build-absent-test.log')
    assert absent.rc != 0 : absent.out
    assert absent.out.contains("habitat: test 'tests/absent.sh' is not in the image at /workspace/habitats/${name}/tests/absent.sh") : absent.out
    assert absent.out.contains('11-test') : absent.out
    assert absent.out.contains("first stale phase is 11-test") : 'only the test phase and later rebuilt: ' + absent.out
} finally {
    support.stopServers()
    support.removeSnapshots(name)
}
true
