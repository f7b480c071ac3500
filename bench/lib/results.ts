// Benchmarks print a table and write bench/results/<name>.json with the machine they ran on.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type Row = Record<string, string | number>

export function printTable(rows: Row[]): void {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)))
  const line = (cells: string[]): string => `| ${cells.map((s, i) => s.padEnd(width[i] as number)).join(' | ')} |`
  console.log(line(cols))
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const r of rows) console.log(line(cols.map((c) => String(r[c] ?? ''))))
}

export function writeResults(name: string, data: unknown): string {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', `${name}.json`)
  mkdirSync(dirname(file), { recursive: true })
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), loadavg: loadavg(), node: process.version }
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), machine, ...(data as object) }, null, 2)}\n`)
  return file
}
