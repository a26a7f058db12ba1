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
def repos = json.phases.find { it.name == 'repos' }
assert repos.stages*.name == ['repos-before', 'repos']
assert repos.stages[0].role == 'before-hooks'
assert repos.stages[0].operations[0].contains('echo hook')
assert json.phases.find { it.name == 'verify' }.snapshot == null
assert json.phases.find { it.name == 'final' }.snapshot == 'habitat-it-phases:12-final'
assert log.contains('stage repos-before')

// with -q the JSON alone is printed, on standard output: it can be piped. Maven 3.8's own console writes a
// color reset (ESC[0m) there as it starts and ends (Maven 3.9 does not): only those are left out here.
def pb = new ProcessBuilder(['mvn', '-B', '-o', '-q', '-llr', "-Dmaven.repo.local=${localRepositoryPath}".toString(),
                             'habitat:show-phases', '-Dhabitat.format=json']).directory(basedir)
def p = pb.start()
def out = p.inputStream.text
def err = p.errorStream.text
assert p.waitFor() == 0 : err
def withoutMavensResets = out.replace('\u001B[0m', '')
assert new JsonSlurper().parseText(withoutMavensResets) == json : "stdout is the JSON listing and nothing else:\n${out}"
assert !withoutMavensResets.contains('[INFO]') && withoutMavensResets.trim().startsWith('{') && withoutMavensResets.trim().endsWith('}')
true
