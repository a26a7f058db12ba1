// mvn -T 2 on a reactor whose two modules build the same habitat and a third another one: the shared
// habitat's builds take turns (the lock), every build succeeds, snapshots are consistent, the other
// habitat builds beside them unaffected.
def support = context.get('support')
try {
    def r = support.mvn(['-T', '2', 'package', '-Dhabitat.rebuild'], 'build-reactor.log')
    assert r.rc == 0 : r.out
    assert (r.out =~ /habitat: image habitat-it-reactor-shared:12-final/).count == 2 : 'both modules built the shared habitat'
    assert r.out.contains('habitat: image habitat-it-reactor-other:12-final')
    assert r.out.contains('habitat: waiting for another build of it-reactor-shared to finish') : 'the two builds of one habitat took turns'
    assert !r.out.contains('waiting for another build of it-reactor-other')
    ['shared', 'other'].each { n ->
        def tag = "habitat-it-reactor-${n}:12-final".toString()
        assert support.docker(['run', '--rm', '--entrypoint', 'cat', tag, '/home/dev/which.txt']) == n
        assert support.label(tag, 'habitat.hash.scripts') == support.label("habitat-it-reactor-${n}:9-scripts".toString(), 'habitat.hash.scripts')
    }
    def again = support.mvn(['-T', '2', 'package'], 'build-again.log')
    assert again.rc == 0 && (again.out =~ /is up to date; nothing to build/).count == 3 : again.out
} finally {
    support.removeSnapshots('it-reactor-shared')
    support.removeSnapshots('it-reactor-other')
}
true
