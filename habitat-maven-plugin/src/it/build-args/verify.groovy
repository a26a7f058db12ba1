// The generated Dockerfile declares the config's env as build args: a plain docker build with --build-arg gives
// the image habitat:build gives with the same -Dhabitat.arg values (file tree, owners, modes, content, env, user,
// workdir, entrypoint, cmd). Values that cannot be build args are named in the Dockerfile with the reason.
def support = context.get('support')
def ctx = new File(basedir, 'target/habitat/it-args')
def dockerfile = new File(ctx, 'Dockerfile').text
// a derived value's default derives it the same way, so it follows the args it comes from
['ARG USER="dev"', 'ARG WORKDIR="/workspace"', 'ARG LOCAL_PATH="${HABITAT_PATH}/local"', 'ARG TOOLS_HOME="/home/${USER}/tools"',
 'ARG GREETING="hello from ${USER}"'].each {
    assert dockerfile.contains(it + '\n') : "${it} in:\n${dockerfile}"
}
assert dockerfile.contains('# not a build arg: AWKWARD (its value is quoted, escaped or changed where it is used')
assert dockerfile.contains('WORKDIR ${WORKDIR}\n') && dockerfile.contains('USER ${USER}\n')
assert new File(basedir, 'build.log').text.contains('habitat: build args (docker build --build-arg NAME=value): USER, WORKDIR, HABITAT_PATH, LOCAL_PATH, TOOLS_HOME, GREETING')

def cli = 'habitat-it-args-cli:alice'
def fin = 'habitat-it-args:12-final'
def args = [USER: 'alice', WORKDIR: '/alice/work space']
try {
    // --no-cache: the assertions read the test step's output, which a cached step does not print
    def build = ['/usr/bin/docker', 'build', '--progress=plain', '--no-cache', '--target', 'final', '-t', cli]
    args.each { k, v -> build += ['--build-arg', "${k}=${v}".toString()] }
    // the plugin gives the user the engine socket's group (a build arg the Dockerfile has always declared)
    def host = System.getenv('DOCKER_HOST') ?: 'unix:///var/run/docker.sock'
    def gid = host.startsWith('unix://') ? java.nio.file.Files.getAttribute(java.nio.file.Path.of(host.substring(7)), 'unix:gid') : 0
    if (gid != 0) build += ['--build-arg', "DOCKER_GROUP_GID=${gid}".toString()]
    def r = support.run(build + [ctx.path], null, [DOCKER_BUILDKIT: '1'])
    new File(basedir, 'docker-build.log').text = r.out
    assert r.rc == 0 : "docker build failed:\n${r.out}"
    assert r.out.contains('ok - tests run as alice in /habitat/local')

    def r2 = support.mvn(['habitat:build'] + args.collect { k, v -> "-Dhabitat.arg.${k}=${v}".toString() }, 'plugin-build.log')
    assert r2.rc == 0 : r2.out

    def sh = { String image, String cmd -> support.docker(['run', '--rm', '--entrypoint', '/bin/bash', image, '-c', cmd]) }
    assert sh(cli, 'cat ~/script.txt') == 'alice in /alice/work space with hello from alice, tools in /home/alice/tools'
    assert sh(cli, 'stat -c "%U:%G %a" ~/app.conf /home/alice/tools/app.conf "$WORKDIR" /habitat/local') ==
            'alice:alice 640\nalice:alice 644\nalice:alice 755\nalice:alice 755'
    assert sh(cli, 'env -i bash -c ". /etc/profile.d/habitat-env.sh; echo \\"\\$USER|\\$TOOLS_HOME|\\$AWKWARD|\\$(pwd)\\""') ==
            'alice|/home/alice/tools|it\'s "quoted" with $dollar|/alice/work space'
    assert sh(cli, 'id dev 2>&1 || true').contains('no such user') : 'the default user is not created'

    def cliTree = support.tree(cli)
    def pluginTree = support.tree(fin)
    assert cliTree.size() > 1000 : 'the dump lists the whole image'
    def d = support.diff(cliTree, pluginTree, 'docker build --build-arg', 'habitat:build -Dhabitat.arg')
    assert d.isEmpty() : "file trees differ:\n${d}"
    def cliConfig = support.config(cli)
    def pluginConfig = support.config(fin)
    ['Env', 'User', 'WorkingDir', 'Entrypoint', 'Cmd'].each { k ->
        assert cliConfig[k] == pluginConfig[k] : "config ${k} differs:\n  docker build: ${cliConfig[k]}\n  habitat:build: ${pluginConfig[k]}"
    }
    assert pluginConfig.User == 'alice' && pluginConfig.WorkingDir == '/alice/work space'
} finally {
    support.run(['/usr/bin/docker', 'rmi', '-f', cli])
    support.removeSnapshots('it-args')
}
true
