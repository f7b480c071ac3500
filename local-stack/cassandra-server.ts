// Apache Cassandra 5.0 as one node, from the jars Maven fetched. The artifact ships no
// cassandra.yaml or logback.xml, so both are written here; JVM flags follow Cassandra's
// conf/jvm-server.options and conf/jvm17-server.options (shared/reference/local-stack.md).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import cassandra from 'cassandra-driver'
import { StackError } from './errors.ts'
import { pinnedVersion } from './fetch-jars.ts'
import { javaCommand } from './preflight.ts'
import { stackMarker, startDetached, type RunRecord } from './process-control.ts'
import { serverPaths, type ServerSpec, type StartContext } from './server-spec.ts'

export function cassandraYaml(dataDir: string, nativePort: number, storagePort: number): string {
  return `# written by local-stack/cassandra-server.ts at each start
cluster_name: iot-edge-local
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:${storagePort}"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: ${storagePort}
native_transport_port: ${nativePort}
start_native_transport: true
# A new single-node cluster has nothing to stay compatible with: use 5.0's storage formats.
storage_compatibility_mode: NONE
commitlog_sync: periodic
commitlog_sync_period: 10000ms
# Trie memtables (5.0, CEP-19): fewer allocations and less CPU per write than the skip list that
# stays 5.0's default for upgrade safety; on this 2-core machine Cassandra is the pipeline's
# busiest process, and most of its time is spent applying writes (JFR under the pipeline bench).
memtable:
  configurations:
    skiplist:
      class_name: SkipListMemtable
    trie:
      class_name: TrieMemtable
    default:
      inherits: trie
# Flush readings_raw in big memtables, so TWCS's current window has fewer sstables to compact.
# A flush for space is triggered when the memtables of ALL tables reach this share of the memtable
# pool (1/4 of the heap), and then only the largest is flushed. The default, 1/(flush writers + 1)
# = 0.33, was reached while the other tables (windows, checkpoints, counters) held about a fifth
# of the pool, so readings_raw was flushed at 28 MiB, every few seconds. At 0.6 it is flushed at
# ~100 MiB (~150,000 rows, about 15 s at 10,000 readings/s), and each flush took 0.2-0.3 s here.
# Writes block only when the whole pool is full, which flushes that fast leave far off (pipeline
# benchmark, Cassandra's log: "Flushing largest CFS … readings_raw").
memtable_cleanup_threshold: 0.6
data_file_directories:
  - ${join(dataDir, 'data')}
commitlog_directory: ${join(dataDir, 'commitlog')}
saved_caches_directory: ${join(dataDir, 'saved_caches')}
hints_directory: ${join(dataDir, 'hints')}
cdc_raw_directory: ${join(dataDir, 'cdc_raw')}
`
}

const logbackXml = `<configuration scan="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`

// Every --add-exports / --add-opens line of Cassandra 5.0's conf/jvm17-server.options.
const jpmsFlags = [
  '--add-exports', 'java.base/jdk.internal.misc=ALL-UNNAMED',
  '--add-exports', 'java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED',
  '--add-exports', 'java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports', 'java.rmi/sun.rmi.server=ALL-UNNAMED',
  '--add-exports', 'java.sql/java.sql=ALL-UNNAMED',
  '--add-exports', 'java.base/java.lang.ref=ALL-UNNAMED',
  '--add-exports', 'jdk.unsupported/sun.misc=ALL-UNNAMED',
  '--add-exports', 'jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-exports', 'jdk.attach/sun.tools.attach=ALL-UNNAMED',
  '--add-opens', 'java.base/java.lang.module=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.loader=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.reflect=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.math=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.module=ALL-UNNAMED',
  '--add-opens', 'java.base/jdk.internal.util.jar=ALL-UNNAMED',
  '--add-opens', 'jdk.management/com.sun.management.internal=ALL-UNNAMED',
  '--add-opens', 'java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens', 'java.base/java.io=ALL-UNNAMED',
  '--add-opens', 'java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens', 'jdk.compiler/com.sun.tools.javac=ALL-UNNAMED',
  '--add-opens', 'java.base/java.lang=ALL-UNNAMED',
  '--add-opens', 'java.base/java.util=ALL-UNNAMED',
]

async function start(ctx: StartContext): Promise<RunRecord> {
  const p = serverPaths(ctx.dir, 'cassandra')
  for (const d of ['data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw']) mkdirSync(join(p.data, d), { recursive: true })
  for (const d of [p.logs, p.conf, join(ctx.dir, 'run')]) mkdirSync(d, { recursive: true })
  const port = ctx.ports.cassandraPort as number
  const yaml = join(p.conf, 'cassandra.yaml')
  const logback = join(p.conf, 'cassandra-logback.xml')
  writeFileSync(yaml, cassandraYaml(p.data, port, ctx.ports.cassandraStoragePort as number))
  writeFileSync(logback, logbackXml)
  const jamm = readdirSync(ctx.libDir).find((f) => /^jamm-.*\.jar$/.test(f))
  if (!jamm || !existsSync(join(ctx.libDir, jamm))) {
    throw new StackError('STACK_ERR_START_FAILED', `no jamm agent jar in ${ctx.libDir}; delete that folder and run npm run stack:fetch`)
  }
  const heap = ctx.config.cassandraHeapMb
  const args = [
    stackMarker(ctx.dir, 'cassandra'),
    `-Xms${heap}m`,
    `-Xmx${heap}m`,
    '-Xss256k',
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    '-XX:MaxTenuringThreshold=1',
    '-XX:G1RSetUpdatingPauseTimePercent=5',
    '-XX:MaxGCPauseMillis=300',
    '-XX:+UseTLAB',
    '-XX:+ResizeTLAB',
    '-XX:+PerfDisableSharedMem',
    // Cassandra's start-up check: continuing after an OutOfMemoryError can corrupt data.
    '-XX:+CrashOnOutOfMemoryError',
    `-javaagent:${join(ctx.libDir, jamm)}`,
    `-Dcassandra.config=file://${yaml}`,
    `-Dcassandra.storagedir=${p.data}`,
    `-Dcassandra.logdir=${p.logs}`,
    `-Dlogback.configurationFile=${logback}`,
    '-Dcassandra-foreground=yes',
    '-Djava.net.preferIPv4Stack=true',
    '-Djdk.attach.allowAttachSelf=true',
    // Single-node dev start-up: no peers to wait for; system tables without fsync.
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.unsafesystem=true',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dio.netty.allocator.useCacheForAllThreads=true',
    '-Dio.netty.allocator.maxOrder=11',
    ...jpmsFlags,
    '-cp',
    `${ctx.libDir}/*`,
    'org.apache.cassandra.service.CassandraDaemon',
  ]
  const pid = startDetached(javaCommand(), args, p.logFile)
  return { server: 'cassandra', pid, version: pinnedVersion('cassandra'), ports: { ...ctx.ports }, startedAt: new Date().toISOString(), logFile: p.logFile }
}

/** SELECT release_version FROM system.local through the real driver (local-stack.md, "Readiness"). */
async function probe(record: RunRecord, timeoutMs: number): Promise<string> {
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${record.ports.cassandraPort}`],
    localDataCenter: 'datacenter1',
    socketOptions: { connectTimeout: Math.min(timeoutMs, 2_000), readTimeout: timeoutMs },
  })
  try {
    await client.connect()
    const rs = await client.execute('SELECT release_version FROM system.local')
    return String(rs.first()?.get('release_version'))
  } finally {
    await client.shutdown().catch(() => {})
  }
}

export const cassandraServer: ServerSpec = {
  name: 'cassandra',
  artifact: 'cassandra',
  title: 'Cassandra',
  clientPort: 'cassandraPort',
  ports: [
    { name: 'cassandraPort', setting: 'cassandraPort', env: 'IOT_STACK_CASSANDRA_PORT' },
    { name: 'cassandraStoragePort', setting: 'cassandraStoragePort', env: 'IOT_STACK_CASSANDRA_STORAGE_PORT' },
  ],
  start,
  probe,
}
