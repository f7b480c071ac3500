// The live progress line (stderr, redrawn in place) when attached to a terminal.
export interface ProgressFigures {
  simulatedMs: number
  connected: number
  published: number
  acknowledged: number
  failed: number
}

export class ProgressLine {
  private readonly enabled: boolean
  private readonly started = performance.now()
  private lastAt = performance.now()
  private lastPublished = 0
  private rate = 0
  private drawnAt = 0

  constructor(mode: 'auto' | 'on' | 'off') {
    this.enabled = mode === 'on' || (mode === 'auto' && process.stderr.isTTY === true)
  }

  /** Redraws at most 4 times a second unless `force`. */
  update(f: ProgressFigures, force = false): void {
    if (!this.enabled) return
    const now = performance.now()
    if (!force && now - this.drawnAt < 250) return
    this.drawnAt = now
    if (now - this.lastAt >= 500) {
      this.rate = ((f.published - this.lastPublished) * 1000) / (now - this.lastAt)
      this.lastAt = now
      this.lastPublished = f.published
    }
    const sim = new Date(f.simulatedMs).toISOString().replace('T', ' ').slice(0, 19)
    const wall = ((now - this.started) / 1000).toFixed(0)
    process.stderr.write(
      `\r\x1b[K[${wall}s] sim ${sim}  connected ${f.connected}  published ${f.published}  acknowledged ${f.acknowledged}  failed ${f.failed}  ${this.rate.toFixed(0)} msg/s`,
    )
  }

  done(last?: ProgressFigures): void {
    if (!this.enabled) return
    if (last) this.update(last, true)
    process.stderr.write('\n')
  }
}
