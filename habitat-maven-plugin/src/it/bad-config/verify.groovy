// Every error of the file is reported together, each located and with a fix; nothing is generated.
def log = new File(basedir, 'build.log').text
assert log =~ /config\.yaml:5:5: env\[1\]: WORKDIR must be an absolute path, got 'workspace'\. Fix: start it with '\/'/
assert log =~ /config\.yaml:9:12: scripts\[0\]\.after: 'setup' is not a phase\. Fix: use one of: base, users/
assert log =~ /\[WARNING\] .*config\.yaml:6:1: repositories: unknown key, ignored\. Fix: 'repositories' was renamed to 'repos'/
assert log.contains('Invalid habitat config (2 errors, listed above)')
// each error is printed once: logged with its location, not repeated in the failure
assert (log =~ /WORKDIR must be an absolute path/).count == 1
assert (log =~ /'setup' is not a phase/).count == 1
assert !new File(basedir, 'target/habitat/it-bad').exists()
true
