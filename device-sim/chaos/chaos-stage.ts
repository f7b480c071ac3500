// Per-device transport chaos applied to telemetry publishes just before they leave the device:
// duplicates, out-of-order delivery and malformed payloads (to exercise the gateway's dead-letter
// path). Each altered publish is tagged in its `chaos` field so an oracle can account for it.
import type { PublishRecord } from '../engine/publish-record.ts'
import type { Rng } from '../random/prng.ts'
import type { ChaosOptions } from './chaos-options.ts'

export function malform(payload: string, rng: Rng): string {
  switch (rng.int(3)) {
    case 0:
      return payload.slice(0, Math.max(1, Math.floor(payload.length / 2)))
    case 1:
      return payload.startsWith('{') ? payload.replace(/:(-?\d+(\.\d+)?)/, ':"$1x"') : `${payload}x`
    default:
      return '\u0000garbage\u00ff'
  }
}

export class ChaosStage {
  private readonly opts: ChaosOptions
  private readonly rng: Rng
  private held: PublishRecord | null = null

  constructor(opts: ChaosOptions, rng: Rng) {
    this.opts = opts
    this.rng = rng
  }

  get active(): boolean {
    return this.opts.duplicate > 0 || this.opts.reorder > 0 || this.opts.malformed > 0
  }

  process(rec: PublishRecord, emit: (r: PublishRecord) => void): void {
    let r = rec
    if (this.rng.chance(this.opts.malformed)) r = { ...r, payload: malform(r.payload, this.rng), chaos: 'malformed' }
    if (this.held === null && this.rng.chance(this.opts.reorder)) {
      this.held = { ...r, chaos: r.chaos ?? 'reordered' }
      return
    }
    emit(r)
    if (this.rng.chance(this.opts.duplicate)) emit({ ...r, chaos: 'duplicate' })
    this.flush(r.publishedAt, emit)
  }

  /** Sends a held-back publish (after the next one, or before the link goes down). */
  flush(t: number, emit: (r: PublishRecord) => void): void {
    if (this.held === null) return
    const h = this.held
    this.held = null
    emit({ ...h, publishedAt: t })
  }
}
