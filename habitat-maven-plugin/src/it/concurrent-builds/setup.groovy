def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-concurrent')
context.put('support', support)
// the port of the gate the first build's script waits for (verify.groovy opens it)
int port = new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
context.put('gatePort', port)
new File(basedir, 'src/main/habitat').mkdirs()
new File(basedir, 'src/main/habitat/config.yaml').text =
        new File(basedir, 'config.yaml.template').text.replace('@GATE_PORT@', String.valueOf(port))
true
