// Node arguments a benchmark adds to the service processes it starts, from the caller's environment.
// One place for both launchers: the pipeline benchmark's supervisor and spawnTsx, which the gateway
// benchmark (and the tests) start the gateway with.
// - BENCH_CPU_PROF=<dir>: each service writes a V8 CPU profile there when it stops. Node refuses
//   --cpu-prof in NODE_OPTIONS, so it has to be an argument.
// - BENCH_NODE_ARGS='<flags>': other Node flags, split on spaces (e.g. --trace-gc).
export function benchNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const prof = env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_CPU_PROF}`] : []
  const extra = env.BENCH_NODE_ARGS ? env.BENCH_NODE_ARGS.split(' ').filter((a) => a !== '') : []
  return [...prof, ...extra]
}
