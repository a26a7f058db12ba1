// The original layout loads and renders unchanged: layers copied, ./ against the root, system env applied.
def ctx = new File(basedir, 'target/habitat/demo')
def df = new File(ctx, 'Dockerfile').text
assert df.contains('COPY ["layers/system", "/habitat/system"]')
assert df.contains('COPY ["layers/shared", "/habitat/shared"]')
assert df.contains('COPY ["layers/habitat", "/habitat/local"]')
// shared/gitconfig is also in the copied shared directory: staged once, copied from there
assert df.contains("RUN --mount=type=bind,source=layers/shared/gitconfig,target=/run/habitat/copy set -e; home=\$(getent passwd 'root' | cut -d: -f6); [ -n \"\$home\" ] || home='/root'; dest=\"\$home\"'/.gitconfig'")
assert df.contains('PATH="${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}:/habitat/system/tools/bin"')
assert df.contains('GITHUB_APP_ID="12345"')
assert new File(ctx, 'layers/system/tools/README').isFile()
assert new File(ctx, 'layers/habitat/tests/run.sh').isFile()
// a short script's commands are in its RUN line (docker history shows them), quoted for the shell
def quoted = { String s -> "'" + s.replace("'", "'\\''") + "'" }
assert df.contains('bash /run/habitat/script/run.sh tests -- ' + quoted("cd '/habitat/local' && bash 'tests/run.sh'")) : df
assert !new File(ctx, 'scripts/test/cmd-001.sh').exists()
def log = new File(basedir, 'build.log').text
assert !log.contains('[WARNING]') : "legacy keys must load without warnings"
true
