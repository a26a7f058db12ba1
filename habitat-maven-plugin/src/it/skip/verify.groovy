// habitat.skip skips before the config is even read.
def log = new File(basedir, 'build.log').text
assert log.contains('habitat: skipped (habitat.skip=true)')
assert !new File(basedir, 'target/habitat').exists()
true
