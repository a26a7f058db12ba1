// Checks the README's "What a change rebuilds" table row by row: each row's change is made to the habitat
// built by the invoker, and the next build must start at the first phase the row's "rebuilt" cell names
// ("nothing": up to date, no request to the engine). A row without a check here fails the IT, so the table
// cannot grow past what is proven.
def support = context.get('support')
def repoB = context.get('repoB')
def name = 'it-rebuild-table'
def habitat = new File(basedir, 'src/main/habitat')
def config = new File(habitat, 'config.yaml')
def report = { -> new groovy.json.JsonSlurper().parse(new File(basedir, "target/habitat/${name}/report.json")) }
def stage = { rep, String stageName -> rep.phases.collectMany { it.stages ?: [] }.find { it.stage == stageName } }
def edit = { String from, String to ->
    assert config.text.contains(from) : "config.yaml has no '${from}'"
    config.text = config.text.replace(from, to)
}
def token = 'token-one'
int builds = 0

/** Builds and returns [log, first stale phase or 'nothing', snapshot ids before and after]. */
def build = { ->
    def before = support.snapshotIds(name)
    def r = support.mvn(['habitat:build'], "build-${++builds}.log", [HABITAT_IT_TABLE_TOKEN: token])
    assert r.rc == 0 : r.out
    def stale = (r.out =~ /first stale phase is (\d+-[a-z]+)/)
    def first = stale.find() ? stale.group(1) : null
    if (first == null) {
        assert r.out.contains("habitat-${name}:12-final is up to date; nothing to build") : r.out
    }
    [log: r.out, first: first ?: 'nothing', before: before, after: support.snapshotIds(name)]
}

// Each row's change (matched by how the row's first cell starts); returns the build after it. Extra checks
// for what a row says beyond its first stale phase.
def checks = [
    'nothing': { ->
        def b = build()
        def rep = report()
        assert rep.upToDate && (rep.context?.bytesSent ?: 0) == 0 : 'an up-to-date habitat sends nothing to the engine'
        b
    },
    'a copied file': { ->
        new File(habitat, 'data/notes.txt').text = 'notes revision 2\n' // copied by files: and with the habitat directory
        def b = build()
        def rep = report()
        ['repos-clone-0', 'repos-clone-1'].each { assert stage(rep, it)?.cached == true : "${it} ran again after a file change: ${rep}" }
        b
    },
    "a script's text": { ->
        edit('echo "script revision 1"', 'echo "script revision 2"')
        def b = build()
        // a hook's script: the phase the hook belongs to
        edit('echo hook-revision-1', 'echo hook-revision-2')
        def hook = build()
        assert hook.first == '7-repos' : hook.log
        assert stage(report(), 'repos-clone-0')?.cached == true
        b
    },
    "a repository's upstream commit": { ->
        support.commit(repoB.work, ['README': 'b 2\n'], 'second')
        support.push(repoB.work)
        def b = build()
        def rep = report()
        assert stage(rep, 'repos-clone-0')?.cached == true : 'the other clone is cached'
        assert stage(rep, 'repos-clone-1')?.cached == false : 'the changed repository is cloned again'
        assert support.docker(['run', '--rm', '--entrypoint', 'cat', "habitat-${name}:12-final".toString(), '/workspace/lib-b/README']) == 'b 2'
        b
    },
    '`verify-fs`': { ->
        edit('    - ~/script.txt\n', '    - ~/script.txt\n    - ~/after-repos.txt\n')
        build()
    },
    '`tests`': { ->
        edit('  - tests/check.sh\n', '  - tests/check.sh\n  - tests/other.sh\n')
        build()
    },
    '`entry`': { ->
        edit('command: cat /etc/it-base', 'command: cat /etc/hostname')
        build()
    },
    'any other edit of `config.yaml`': { ->
        config.text = config.text + '# a comment changes no phase input\n'
        build()
    },
    '`env`': { ->
        edit('TABLE_VALUE=env-1', 'TABLE_VALUE=env-2')
        build()
    },
    "a secret's value": { ->
        token = 'token-two'
        build()
    },
    'the base image': { ->
        def dockerfile = new File(habitat, 'Dockerfile')
        dockerfile.text = dockerfile.text.replace('base revision 1', 'base revision 2')
        build()
    },
]

try {
    def readme = new File(basedir, '../../../../README.md').text
    def section = readme.substring(readme.indexOf('### What a change rebuilds'))
    def rows = section.readLines().dropWhile { !it.startsWith('| change |') }.drop(2).takeWhile { it.startsWith('|') }
    assert rows.size() >= 10 : "the README's table was not found:\n${section.take(800)}"
    rows.each { row ->
        def cells = row.split(/\s*\|\s*/).findAll { !it.isEmpty() }
        def change = cells[0], rebuilt = cells[1]
        def key = checks.keySet().find { change.startsWith(it) }
        assert key != null : "README row '${change}' has no check in rebuild-table/verify.groovy"
        def phase = (rebuilt =~ /`(\d+-[a-z]+)`/)
        def expected = rebuilt.startsWith('nothing') ? 'nothing' : phase.find() ? phase.group(1) : null
        assert expected != null : "README row '${change}': the rebuilt cell names no phase: ${rebuilt}"
        def b = checks.remove(key).call()
        assert b.first == expected : "README row '${change}' says ${expected}; the build started at ${b.first}:\n${b.log}"
        // every snapshot before the first stale phase is the same image; from it on each is new
        def firstId = expected == 'nothing' ? 13 : (expected.tokenize('-')[0] as int)
        b.before.each { p, id ->
            int n = p.tokenize('-')[0] as int
            if (n < firstId) assert b.after[p] == id : "${change}: ${p} was rebuilt"
            else assert b.after[p] != id : "${change}: ${p} was not rebuilt"
        }
        println "[rebuild-table] ${change} -> ${b.first}"
    }
    assert checks.isEmpty() : "checks for rows the README no longer has: ${checks.keySet()}"
} finally {
    support.stopServers()
}
true
