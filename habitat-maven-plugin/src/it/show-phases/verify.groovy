import groovy.json.JsonSlurper
// Text listing (first run, in build.log) and JSON (second run, written to a file) agree.
def log = new File(basedir, 'build.log').text
def json = new JsonSlurper().parse(new File(basedir, 'target/phases.json'))
assert json.name == 'it-phases'
assert json.phases.size() == 12
assert json.phases*.name == ['base', 'users', 'env', 'workdir', 'habitat', 'files', 'repos', 'tools', 'scripts', 'verify', 'test', 'final']
assert json.phases*.id == (1..12).toList()
json.phases.each { p ->
    assert p.hash ==~ /[0-9a-f]{16}/
    // the text listing printed the same id, name and hash
    assert log =~ /(?m)^\[INFO\]\s+${p.id}\s+${p.name}\s+${p.hash}\s+/ : "text listing lacks ${p.id} ${p.name} ${p.hash}"
}
assert json.platform ==~ /linux\/[a-z0-9]+/ : 'no platforms listed: this machine\'s'

def repos = json.phases.find { it.name == 'repos' }
assert repos.stages*.name == ['repos-before', 'repos']
assert repos.stages[0].role == 'before-hooks'
assert repos.stages[0].operations[0].contains('echo hook')
assert json.phases.find { it.name == 'verify' }.snapshot == null
assert json.phases.find { it.name == 'final' }.snapshot == 'habitat-it-phases:12-final'
assert log.contains('stage repos-before')

// show-phases -q as JSON in its own Maven run: exit code, standard output (without Maven 3.8's own console color
// resets, ESC[0m, which it writes there as it starts and ends; Maven 3.9 does not), standard error
def showPhases = { List<String> args, String pom ->
    def run = new ProcessBuilder(['mvn', '-B', '-o', '-q', '-llr', "-Dmaven.repo.local=${localRepositoryPath}".toString(), '-f', pom,
                                  'habitat:show-phases', '-Dhabitat.format=json'] + args).directory(basedir).start()
    def err = new StringBuilder()
    def drain = Thread.start { err << run.errorStream.text }
    def out = run.inputStream.text
    drain.join()
    [run.waitFor(), out.replace('\u001B[0m', ''), err.toString()]
}

// with -q the JSON alone is printed, on standard output: it can be piped
def (exit, withoutMavensResets, err) = showPhases([], 'pom.xml')
assert exit == 0 : err
assert new JsonSlurper().parseText(withoutMavensResets) == json : "stdout is the JSON listing and nothing else:\n${withoutMavensResets}"
assert !withoutMavensResets.contains('[INFO]') && withoutMavensResets.trim().startsWith('{') && withoutMavensResets.trim().endsWith('}')

// -Dhabitat.platforms (a comma-separated list, which invoker.goals would split): one listing per platform, its
// snapshots named with it, every hash its own
def (platformsExit, platformsOut, platformsErr) = showPhases(['-Dhabitat.platforms=linux/amd64,linux/arm64'], 'pom.xml')
assert platformsExit == 0 : platformsErr
def perPlatform = new JsonSlurper().parseText(platformsOut)
assert perPlatform*.platform == ['linux/amd64', 'linux/arm64']
assert perPlatform[1].phases.find { it.name == 'final' }.snapshot == 'habitat-it-phases:12-final-linux-arm64'
(0..11).each { i -> assert perPlatform[0].phases[i].hash != perPlatform[1].phases[i].hash : "phase ${i + 1} differs by platform" }
assert perPlatform[0].phases[0].inputs.platform == 'linux/amd64'
if (json.platform == 'linux/amd64') {
    assert perPlatform[0].phases*.hash == json.phases*.hash : 'this machine\'s platform, listed or not, hashes alike'
}
def (typoPlatformExit, typoPlatformOut, typoPlatformErr) = showPhases(['-Dhabitat.platforms=linux/amd64,linux/aarch64'], 'pom.xml')
assert typoPlatformExit != 0
assert (typoPlatformOut + typoPlatformErr).contains("'linux/aarch64' is not a platform; did you mean 'linux/arm64'?") : typoPlatformOut + typoPlatformErr

// build args: <buildArgs> in the pom and -Dhabitat.arg.NAME (which wins) override the env's variable, and the hashes
// follow from the phase it first reaches; a name the env does not define fails with the nearest one
new File(basedir, 'pom-build-args.xml').text = new File(basedir, 'pom.xml').text.replace('</version>\n      </plugin>',
        '</version>\n        <configuration><buildArgs><USER>bob</USER></buildArgs></configuration>\n      </plugin>')
def (aliceExit, aliceOut, aliceErr) = showPhases(['-Dhabitat.arg.USER=alice'], 'pom.xml')
assert aliceExit == 0 : aliceErr
def alice = new JsonSlurper().parseText(aliceOut)
assert alice.phases[0].hash == json.phases[0].hash : 'the base phase does not see USER'
alice.phases.drop(1).eachWithIndex { phase, i -> assert phase.hash != json.phases[i + 1].hash : "${phase.name} follows USER" }
assert alice.phases.find { it.name == 'users' }.stages*.operations.flatten().any { it.contains("create user alice") } : alice
def (bobExit, bobOut, bobErr) = showPhases([], 'pom-build-args.xml')
assert bobExit == 0 : bobErr
def bob = new JsonSlurper().parseText(bobOut)
assert bob.phases.find { it.name == 'users' }.stages*.operations.flatten().any { it.contains("create user bob") } : bob
def (bothExit, bothOut, bothErr) = showPhases(['-Dhabitat.arg.USER=alice'], 'pom-build-args.xml')
assert bothExit == 0 : bothErr
assert new JsonSlurper().parseText(bothOut) == alice : 'the command line wins over the pom'
def (typoExit, typoOut, typoErr) = showPhases(['-Dhabitat.arg.USR=alice'], 'pom.xml')
assert typoExit != 0
assert (typoOut + typoErr).contains("habitat.arg.USR: the habitat's env has no variable USR to override. Fix: did you mean USER?") : typoOut + typoErr
true
