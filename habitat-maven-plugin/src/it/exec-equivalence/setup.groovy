// Serves the habitat's repository from git daemon on 127.0.0.1 and writes the config pointing at it.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
support.basedir = basedir
support.localRepo = localRepositoryPath.toString()
support.removeSnapshots('it-equivalence')
def git = support.gitServer('tools', ['README': 'v1\n'])
new File(basedir, 'src/main/habitat/config.yaml').text =
        new File(basedir, 'config.yaml.template').text.replace('@GIT_URL@', git.url)
context.put('support', support)
context.put('git', git)
true
