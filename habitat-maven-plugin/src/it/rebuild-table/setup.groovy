// Two repositories served by git daemon on 127.0.0.1, and the config pointing at them.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-rebuild-table')
def a = support.gitServer('lib-a', ['README': 'a 1\n'])
def b = support.gitServer('lib-b', ['README': 'b 1\n'])
new File(basedir, 'src/main/habitat/config.yaml').text = new File(basedir, 'config.yaml.template').text
        .replace('@GIT_URL_A@', a.url).replace('@GIT_URL_B@', b.url)
context.put('repoB', b)
context.put('support', support)
true
