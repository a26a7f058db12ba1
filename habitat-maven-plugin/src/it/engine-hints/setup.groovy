// Only the engine matrix runs this, against its engine without a default bridge network (d26-nobridge).
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-hints')
def networks = support.docker(['network', 'ls', '--format', '{{.Name}}']).readLines()
assert !networks.contains('bridge') : "engine-hints needs an engine without the default bridge (.ci/matrix.sh d26-nobridge), not one with: ${networks}"
context.put('support', support)
true
