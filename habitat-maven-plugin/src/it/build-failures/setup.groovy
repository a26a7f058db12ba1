def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
support.basedir = basedir
support.localRepo = localRepositoryPath.toString()
support.removeSnapshots('it-failures')
context.put('support', support)
true
