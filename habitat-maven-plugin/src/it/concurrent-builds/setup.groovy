def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-concurrent')
context.put('support', support)
true
