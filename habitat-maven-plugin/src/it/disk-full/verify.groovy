// A build context the disk cannot hold: the output directory is a 2 MB tmpfs and the habitat copies 3 MB.
// The build fails before staging, saying how much is needed and free and what to do; nothing is left.
def support = context.get('support')
def small = new File(basedir, 'target/small-disk')
small.mkdirs()
def mount = support.run(['mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small.path])
assert mount.rc == 0 : "this IT mounts a small tmpfs (runs as root): ${mount.out}"
try {
    def r = support.mvn(['habitat:build', '-Dhabitat.outputDirectory=' + small.path], 'build-full.log')
    assert r.rc != 0
    assert r.out.contains('not enough disk space for the build context') : r.out
    assert r.out =~ /holds 3\.1 MB of files .* only [0-9.]+ MB are free at / : r.out
    assert r.out.contains('.habignore') && r.out.contains('habitat.outputDirectory')
    assert small.list().length == 0 : "nothing is left in the output directory: ${small.list()}"
    assert support.snapshotIds('it-disk-full').values().every { it == null } : 'nothing was built'
    // with room, the same habitat builds
    def ok = support.mvn(['habitat:build'], 'build-ok.log')
    assert ok.rc == 0 : ok.out
} finally {
    support.run(['umount', small.path])
    support.removeSnapshots('it-disk-full')
}
true
