def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-migrate')
support.run(['/usr/bin/docker', 'rmi', '-f', 'habitat-it-migrate:final', 'habitat-it-migrate:custom', 'it-migrate-unrelated:keep'])
context.put('support', support)
true
