// CPU and RSS of named processes from /proc (Linux), for benchmarks that run several components on
// one machine: CPU is the utime + stime ticks a process used between two snapshots, as a share of
// one core; RSS is sampled every time `sample()` runs and reported as the peak and the last value.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux we run, asked once anyway. */
const CLK_TCK = ((): number => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
  const n = Number(r.stdout?.trim())
  return Number.isFinite(n) && n > 0 ? n : 100
})()

/** utime + stime in seconds, or undefined when the process is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / CLK_TCK
  } catch {
    return undefined
  }
}

export function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Math.round(Number(m[1]) / 1024) : undefined
  } catch {
    return undefined
  }
}

/** Busy and total jiffies of the whole machine (all cores), from the first line of /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number)
  const total = f.reduce((a, b) => a + b, 0)
  const idle = (f[3] ?? 0) + (f[4] ?? 0)
  return { busy: total - idle, total }
}

export interface ComponentUsage {
  component: string
  pid: number
  /** average share of one core over the interval, percent (200 = both cores of a 2-core machine) */
  cpuPercent: number
  rssPeakMiB: number
  rssLastMiB: number
}

export class ProcessMeter {
  readonly #pids: Map<string, number>
  #cpu0 = new Map<string, number>()
  #t0 = 0
  #machine0 = { busy: 0, total: 0 }
  #peak = new Map<string, number>()
  #last = new Map<string, number>()

  constructor(pids: Record<string, number>) {
    this.#pids = new Map(Object.entries(pids))
  }

  /** Opens the interval: CPU counters are read now and peaks reset. */
  start(): void {
    this.#t0 = performance.now()
    this.#machine0 = machineTicks()
    this.#peak.clear()
    for (const [name, pid] of this.#pids) this.#cpu0.set(name, cpuSeconds(pid) ?? 0)
    this.sample()
  }

  sample(): void {
    for (const [name, pid] of this.#pids) {
      const rss = rssMiB(pid)
      if (rss === undefined) continue
      this.#last.set(name, rss)
      this.#peak.set(name, Math.max(rss, this.#peak.get(name) ?? 0))
    }
  }

  /** Closes the interval: per-component usage plus the machine's busy share of all cores. */
  stop(): { components: ComponentUsage[]; machineBusyPercent: number } {
    this.sample()
    const seconds = (performance.now() - this.#t0) / 1000
    const m = machineTicks()
    const components = [...this.#pids].map(([component, pid]) => ({
      component,
      pid,
      cpuPercent: Math.round((((cpuSeconds(pid) ?? 0) - (this.#cpu0.get(component) ?? 0)) * 100) / Math.max(seconds, 1e-3)),
      rssPeakMiB: this.#peak.get(component) ?? 0,
      rssLastMiB: this.#last.get(component) ?? 0,
    }))
    const total = m.total - this.#machine0.total
    return { components, machineBusyPercent: total > 0 ? Math.round(((m.busy - this.#machine0.busy) * 100) / total) : 0 }
  }
}
