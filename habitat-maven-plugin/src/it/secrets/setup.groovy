// Token-protected repositories over HTTP on 127.0.0.1 (git's smart protocol, and a dumb static server) and an encrypted settings.xml for the script's secret.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-secrets')
def repoToken = 'rt-' + UUID.randomUUID().toString()
def scriptToken = 'st-' + UUID.randomUUID().toString()
def git = support.httpGitServer('private', ['README.md': 'private content\n'], 'habitat-it', repoToken)
def dumb = support.dumbHttpGitServer('dumb', ['README.md': 'dumb content\n'], 'habitat-it', repoToken)
new File(basedir, 'src/main/habitat/config.yaml').text = new File(basedir, 'config.yaml.template').text
        .replace('@GIT_URL@', git.url).replace('@DUMB_GIT_URL@', dumb.url)

// settings.xml with the script's token encrypted as Maven does (master password in settings-security.xml)
def security = new File(basedir, 'target/settings-security.xml')
security.parentFile.mkdirs()
def master = support.run(['mvn', '-B', '-q', '--encrypt-master-password', 'it-master-' + UUID.randomUUID()]).out.find(/\{[^}]+\}/)
assert master : 'mvn --encrypt-master-password printed no value'
security.text = "<settingsSecurity><master>${master}</master></settingsSecurity>\n"
def encrypted = support.run(['mvn', '-B', '-q', '-Dsettings.security=' + security.path, '--encrypt-password', scriptToken])
        .out.find(/\{[^}]+\}/)
assert encrypted : 'mvn --encrypt-password printed no value'
assert !encrypted.contains(scriptToken)
def settings = new File(basedir, 'target/it-settings.xml')
settings.text = """<settings><servers><server><id>script-token</id><username>unused</username>
<password>${encrypted}</password></server></servers></settings>
"""
context.put('support', support)
context.put('git', git)
context.put('dumb', dumb)
context.put('repoToken', repoToken)
context.put('scriptToken', scriptToken)
context.put('settingsArgs', ['-s', settings.path, '-Dsettings.security=' + security.path])
true
