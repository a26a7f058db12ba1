// Builds the generated Dockerfile with the engine's BuildKit and asserts on the real image.
def ctx = new File(basedir, 'target/habitat/it-render')
def dockerfile = new File(ctx, 'Dockerfile')
assert dockerfile.isFile() : "no Dockerfile at ${dockerfile}"
assert new File(ctx, '.dockerignore').isFile()
assert new File(ctx, 'files/0/secret.conf').isFile()
assert new File(ctx, 'layers/habitat/tests/check.sh').isFile()
assert new File(basedir, 'build.log').text.contains('habitat: wrote ')

def run(List<String> cmd) {
    def pb = new ProcessBuilder(cmd).redirectErrorStream(true)
    pb.environment().put('DOCKER_BUILDKIT', '1')
    def p = pb.start()
    def out = p.inputStream.text
    p.waitFor()
    [p.exitValue(), out]
}
def docker = '/usr/bin/docker'
def tag = 'habitat-it-render:verify'
// --no-cache: the assertions read the steps' output, which a cached step does not print
def (rc, log) = run([docker, 'build', '--progress=plain', '--no-cache', '--target', 'final', '-t', tag, ctx.path])
new File(basedir, 'docker-build.log').text = log
assert rc == 0 : "docker build failed:\n${log}"
assert log.contains('ok - tests run as alice from LOCAL_PATH')
assert log.contains('verify-fs: ok /home/alice/secret.conf')
try {
    def (rc2, out) = run([docker, 'run', '--rm', '--entrypoint', '/bin/bash', tag, '-c', '''
        set -e
        echo "id=$(id -un)"
        echo "builder=$(id -un builder)"
        echo "before=$(cat /before-workdir.txt)"
        echo "after=$(cat /after-workdir.txt)"
        echo "builder-ran=$(cat /tmp/builder-ran-as.txt)"
        echo "secret=$(stat -c '%U:%G %a' /home/alice/secret.conf)"
        echo "plain=$(stat -c '%U:%G %a' '/etc/it/plain file.txt')"
        echo "svc=$(stat -c '%U:%G' /srv/svc/svc.conf)"
        echo "etc-it=$(stat -c '%U:%G %a' /etc/it)"
        echo "local=$(stat -c '%U:%G' /habitat/local)"
        echo "userscript=$(cat /home/alice/user-script.txt)"
        echo "pwd=$(pwd)"
        echo "derived=$DERIVED"
        echo "path=$PATH"
        echo "awkward-image-env=$AWKWARD"
        echo "awkward-in-script=$(cat /home/alice/awkward.txt)"
        env -i HABITAT_ENV_HASH= bash -c '. /etc/profile.d/habitat-env.sh; echo "awkward-profile=$AWKWARD"; echo "profile-pwd=$(pwd)"'
    '''])
    println out
    assert rc2 == 0 : out
    def lines = out.readLines()
    def expectLine = { String l -> assert lines.contains(l) : "expected line '${l}' in:\n${out}" }
    expectLine('id=alice')
    expectLine('builder=builder')
    expectLine('before=absent')
    expectLine('after=present')
    expectLine('builder-ran=builder')
    expectLine('secret=alice:alice 600')
    expectLine('plain=root:root 644')
    expectLine('etc-it=root:root 755')
    expectLine('svc=svc:svc') // ~ is the real home of a user that is not under /home
    expectLine('local=alice:alice')
    expectLine('userscript=alice:/home/alice')
    expectLine('pwd=/workspace')
    expectLine('derived=/habitat/local/derived')
    expectLine('path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/it/bin')
    def awkward = 'it\'s "quoted" with $dollar  `backticks` and \\backslash'
    // ${UNSET_THING} stays a reference for the shell (and Docker): it expands to nothing.
    expectLine('awkward-image-env=' + awkward)
    expectLine('awkward-in-script=' + awkward)
    expectLine('awkward-profile=' + awkward)
    expectLine('profile-pwd=/workspace')

    def (rc3, inspect) = run([docker, 'image', 'inspect', '-f',
        '{{json .Config.Entrypoint}}|{{json .Config.Cmd}}|{{.Config.User}}|{{.Config.WorkingDir}}|{{index .Config.Labels "habitat.phase"}}|{{index .Config.Labels "habitat.hash.base"}}', tag])
    assert rc3 == 0 : inspect
    def parts = inspect.trim().split('\\|')
    assert parts[0] == '["/entrypoint.sh"]'
    assert parts[1] == '["/bin/bash","-c","echo ready"]'
    assert parts[2] == 'alice'
    assert parts[3] == '/workspace'
    assert parts[4] == '12-final'
    assert parts[5] ==~ /[0-9a-f]{16}/
    def (rc4, ran) = run([docker, 'run', '--rm', tag])
    assert rc4 == 0 && ran.trim() == 'ready' : ran
} finally {
    run([docker, 'rmi', '-f', tag])
}
true
