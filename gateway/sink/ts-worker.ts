// A worker thread running one of our TypeScript modules. Services run under tsx (`node --import
// tsx`), whose loader Node 20 does not hand to worker threads (ERR_UNKNOWN_FILE_EXTENSION for a
// .ts entry), so the worker registers tsx itself before importing its module.
import { Worker } from 'node:worker_threads'

export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(boot, { eval: true, workerData })
}
