def support = new GroovyClassLoader(getClass().classLoader)
        .parseClass(new File(basedir, '../../../src/it/_shared/ItSupport.groovy')).newInstance()
        .init(basedir, localRepositoryPath, 'it-disk-full')
// 3 MB of data to copy (generated: not committed)
def big = new File(basedir, 'src/main/habitat/big.bin')
def random = new Random(7)
byte[] data = new byte[3 * 1024 * 1024]
random.nextBytes(data)
big.bytes = data
context.put('support', support)
true
