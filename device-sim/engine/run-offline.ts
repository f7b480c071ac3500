// --out mode: no broker, no wall clock. The whole run is a pure function of the plan, so the same
// seed writes a byte-identical file.
import { buildDevices } from './build-fleet.ts'
import type { FleetPlan } from './fleet-plan.ts'
import { NdjsonSink } from './ndjson-sink.ts'
import { Simulation } from './simulation.ts'

export interface OfflineResult {
  mode: 'out'
  file: string
  lines: number
  simulatedMs: number
  wallMs: number
  totals: ReturnType<Simulation['totals']>
}

export interface OfflineOptions {
  /** also write session changes (--out-sessions) */
  sessions?: boolean
}

export function runOffline(plan: FleetPlan, file: string, onProgress?: (sim: Simulation, lines: number) => void, opts: OfflineOptions = {}): OfflineResult {
  const t0 = performance.now()
  const sim = new Simulation(buildDevices(plan), plan.startAt, plan.durationMs)
  const sink = new NdjsonSink(file, opts)
  try {
    const step = 60_000
    while (!sim.done) {
      sim.runUntil(sim.now + step, sink)
      onProgress?.(sim, sink.lines)
    }
  } finally {
    sink.close()
  }
  return { mode: 'out', file, lines: sink.lines, simulatedMs: plan.durationMs, wallMs: Math.round(performance.now() - t0), totals: sim.totals() }
}
