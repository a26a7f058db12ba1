// Makes a CA, a server certificate for 127.0.0.1 and client certificates, and puts a TLS endpoint on
// 127.0.0.1 in front of the engine the run uses (DOCKER_HOST's unix socket, else the default one).
def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-remote-tls')
context.put('tls', support.tlsEngine())
context.put('support', support)
true
