// The habitat's own repository, served by git daemon on 127.0.0.1, holds its tests (as the original's claude-habitat
// repository holds habitats/claude-habitat/tests); the config points at it.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-original-bypass')
def test = { String name -> """#!/bin/bash
set -e
test -f /workspace/.git/config
test "\$(id -un)" = dev
echo "ok - ${name} from the cloned repository, in \$(pwd)"
""".toString() }
def git = support.gitServer('it-original-bypass', [
        'README.md': 'the habitat repository\n',
        'habitats/it-original-bypass/tests/check.sh': test('check.sh'),
        'habitats/it-original-bypass/tests/tools.sh': test('tools.sh')])
def habitat = new File(basedir, 'layout/habitats/it-original-bypass')
habitat.mkdirs()
new File(habitat, 'config.yaml').text = new File(basedir, 'config.yaml.template').text.replace('@GIT_URL@', git.url)
context.put('support', support)
context.put('git', git)
true
