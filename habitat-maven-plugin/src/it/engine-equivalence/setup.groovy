// The reference engine (HABITAT_IT_REFERENCE_HOST, set by .ci/matrix.sh) must be another engine than the run's.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-engines')
def reference = System.getenv('HABITAT_IT_REFERENCE_HOST')
assert reference : 'engine-equivalence compares two engines: run it through .ci/matrix.sh, which sets HABITAT_IT_REFERENCE_HOST'
assert reference != System.getenv('DOCKER_HOST') : 'the reference engine must be another engine'
context.put('support', support)
context.put('reference', reference)
true
