// The original layout loads and renders unchanged: layers copied, ./ against the root, system env applied.
def ctx = new File(basedir, 'target/habitat/demo')
def df = new File(ctx, 'Dockerfile').text
// the env's values are build args (docker build --build-arg SYSTEM_PATH=...), with the config's values as defaults
assert df.contains('ARG SYSTEM_PATH="/habitat/system"\nARG SYSTEM_TOOLS_PATH="${SYSTEM_PATH}/tools/bin"\n') : df
assert df.contains('ARG SHARED_PATH="/habitat/shared"\nARG GITHUB_APP_ID="12345"\n')
assert df.contains('ARG LOCAL_PATH="/habitat/local"\n')
assert df.contains('COPY ["layers/system", "${SYSTEM_PATH}"]')
assert df.contains('COPY ["layers/shared", "${SHARED_PATH}"]')
assert df.contains('COPY ["layers/habitat", "${LOCAL_PATH}"]')
// shared/gitconfig is also in the copied shared directory: staged once, copied from there
assert df.contains("RUN --mount=type=bind,source=layers/shared/gitconfig,target=/run/habitat/copy set -e; home=\$(getent passwd 'root' | cut -d: -f6); [ -n \"\$home\" ] || home='/root'; dest=\"\$home\"'/.gitconfig'")
assert df.contains('PATH="${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}:${SYSTEM_TOOLS_PATH}"')
assert df.contains('GITHUB_APP_ID="${GITHUB_APP_ID}"')
assert new File(ctx, 'layers/system/tools/README').isFile()
assert new File(ctx, 'layers/habitat/tests/run.sh').isFile()
// a short script's commands are in its RUN line (docker history shows them), quoted for the shell; LOCAL_PATH
// is the build arg's expansion between the quotes
def quoted = { String s -> "'" + s.replace("'", "'\\''") + "'" }
assert df.contains('bash /run/habitat/script/run.sh tests -- ' + quoted("cd '@' && bash 'tests/run.sh'").replace("'@'", '"${LOCAL_PATH}"')) : df
assert !new File(ctx, 'scripts/test/cmd-001.sh').exists()
def log = new File(basedir, 'build.log').text
assert !log.contains('[WARNING]') : "legacy keys must load without warnings"

// A checkout of the original has no pom.xml: every goal runs in it by the plugin's coordinates, as the README's
// migration guide says, the root is the working directory and output goes to target/habitat under it.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
support.basedir = basedir
support.localRepo = localRepositoryPath.toString()
def checkout = new File(basedir, 'layout')
assert !new File(checkout, 'pom.xml').exists()
def plugin = "dev.habitat:habitat-maven-plugin:${support.pluginVersion()}".toString()
def shown = support.mvnIn(checkout, [plugin + ':show-phases', '-Dhabitat.config=habitats/demo/config.yaml'], 'no-pom-show-phases.log')
assert shown.rc == 0 : shown.out
assert shown.out.contains('Habitat demo (') && shown.out.contains('/layout/habitats/demo/config.yaml)') : shown.out
assert shown.out.contains('11  test') : shown.out
def generated = support.mvnIn(checkout, [plugin + ':generate-dockerfile', '-Dhabitat.config=habitats/demo/config.yaml'],
        'no-pom-generate.log')
assert generated.rc == 0 : generated.out
def noPomDf = new File(checkout, 'target/habitat/demo/Dockerfile')
assert noPomDf.isFile() : 'output under the working directory: ' + generated.out
assert noPomDf.text == df : 'the same Dockerfile as with a pom (same root, same config)'
assert new File(checkout, 'target/habitat/demo/layers/system/tools/README').isFile()
// no config warning (Maven's own, about the invoker's repository, are not the habitat's)
[shown, generated].each { r -> assert !r.out.readLines().any { it.startsWith('[WARNING]') && it.contains(checkout.path) } : r.out }
true
