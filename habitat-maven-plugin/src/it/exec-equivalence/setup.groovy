// Serves the habitat's repository from git daemon on 127.0.0.1 and writes the config pointing at it.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-equivalence')
context.put('git', support.habitatWithRepository('tools', ['README': 'v1\n']))
def config = new File(basedir, 'src/main/habitat/config.yaml')
config.text = config.text.replace('@RUN_ID@', Long.toString(System.currentTimeMillis(), 36))
context.put('support', support)
true
