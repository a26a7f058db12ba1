def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-reactor-shared')
support.removeSnapshots('it-reactor-other')
context.put('support', support)
true
