// Settings of the local stack (`npm run stack:*`), as flags or IOT_STACK_* variables.
// A port of 0 means "pick a free port at start" (tests and CI use it to stay off ports that other
// services on the machine may hold); the port chosen is recorded in the run file.
import { Type, type Static } from '@sinclair/typebox'

const Port = (def: number, description: string) => Type.Integer({ minimum: 0, maximum: 65535, default: def, description })

export const StackConfig = Type.Object({
  stack: Type.Object({
    dir: Type.String({ minLength: 1, default: '.local-stack/dev', description: 'data, logs and run files of this stack instance' }),
    cacheDir: Type.String({ minLength: 1, default: '.local-stack/cache', description: 'fetched server jars (shared by instances)' }),
    kafkaPort: Port(9092, 'Kafka client (PLAINTEXT) port; 0 = free port'),
    kafkaControllerPort: Port(9093, 'Kafka KRaft controller port; 0 = free port'),
    kafkaNodes: Type.Integer({ minimum: 1, maximum: 5, default: 1, description: 'Kafka brokers (KRaft voters); 3 gives replication factor 3, min.insync.replicas 2' }),
    kafkaHeapMb: Type.Integer({ minimum: 256, default: 512, description: 'Kafka JVM heap, MiB' }),
    cassandraPort: Port(9042, 'Cassandra CQL native port; 0 = free port'),
    cassandraStoragePort: Port(7000, 'Cassandra inter-node storage port; 0 = free port'),
    cassandraHeapMb: Type.Integer({ minimum: 512, default: 1024, description: 'Cassandra JVM heap, MiB' }),
    startTimeoutMs: Type.Integer({ minimum: 5_000, default: 180_000, description: 'give up waiting for a server to answer after this long, ms' }),
    stopTimeoutMs: Type.Integer({ minimum: 1_000, default: 30_000, description: 'SIGTERM grace before SIGKILL, ms' }),
    mavenArgs: Type.String({ default: '', description: 'extra Maven arguments for the fetch, e.g. "-s mirror-settings.xml" or "-o"' }),
  }),
})
export type StackConfig = Static<typeof StackConfig>['stack']
