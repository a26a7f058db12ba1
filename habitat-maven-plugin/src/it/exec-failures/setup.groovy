// A docker-exec habitat whose scripts read a volume; the first config fails, the others are written by verify.
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-exec-failures')
def vol = new File(basedir, 'target/volume')
vol.mkdirs()
new File(vol, 'marker').text = 'mounted\n'
new File(basedir, 'src/main/habitat').mkdirs() // git keeps no empty directory: a clean clone lacks it
def write = { String file, String script ->
    new File(basedir, "src/main/habitat/${file}").text = new File(basedir, 'config.yaml.template').text
            .replace('@VOLUME@', vol.canonicalPath).replace('@SCRIPT@', script)
}
write('config.yaml', 'echo "about to fail"; exit 3')
write('fixed.yaml', 'echo fixed')
write('slow.yaml', 'echo slow-start; sleep 120')
context.put('support', support)
true
