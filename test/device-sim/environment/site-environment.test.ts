import assert from 'node:assert/strict'
import { test } from 'node:test'
import { relativeHumidity, dewPoint } from '../../../device-sim/environment/magnus.ts'
import type { ScriptedEvent } from '../../../device-sim/environment/scripted-events.ts'
import { SiteEnvironment } from '../../../device-sim/environment/site-environment.ts'
import { defaultSite } from '../../../device-sim/environment/site.ts'
import { createRng } from '../../../device-sim/random/prng.ts'

const HOUR = 3_600_000
const start = Date.UTC(2026, 5, 1)

function series(env: SiteEnvironment, hours: number, stepMs = 10 * 60_000) {
  const out: { t: number; T: number; RH: number; P: number }[] = []
  for (let t = start; t < start + hours * HOUR; t += stepMs) {
    const x = env.truthAt(t)
    out.push({ t, T: x.temperature, RH: x.humidity, P: x.pressure })
  }
  return out
}

function corr(a: number[], b: number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length
  const mb = b.reduce((s, x) => s + x, 0) / b.length
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < a.length; i++) {
    sab += ((a[i] as number) - ma) * ((b[i] as number) - mb)
    saa += ((a[i] as number) - ma) ** 2
    sbb += ((b[i] as number) - mb) ** 2
  }
  return sab / Math.sqrt(saa * sbb)
}

test('Magnus: RH and dew point invert each other; 50 %RH drops ≈6 % relative per +1 °C at 20 °C', () => {
  assert.ok(Math.abs(relativeHumidity(20, dewPoint(20, 50)) - 50) < 1e-9)
  const rh21 = relativeHumidity(21, dewPoint(20, 50))
  assert.ok(Math.abs(rh21 - 47) < 0.2, String(rh21))
})

test('outdoor: the diurnal maximum falls in the afternoon and humidity anti-correlates with temperature', () => {
  const env = new SiteEnvironment({ ...defaultSite('roof', 'outdoor'), utcOffsetMinutes: 0 }, [], createRng(1, 'site'), start)
  const s = series(env, 24 * 30)
  const byHour = new Array<number>(24).fill(0)
  for (const x of s) byHour[new Date(x.t).getUTCHours()] = (byHour[new Date(x.t).getUTCHours()] as number) + x.T
  const peak = byHour.indexOf(Math.max(...byHour))
  assert.ok(peak >= 13 && peak <= 16, `peak hour ${peak}`)
  assert.ok(corr(s.map((x) => x.T), s.map((x) => x.RH)) < -0.5)
})

test('pressure stays in the sea-level envelope and its 3-hour tendency is mostly within ±1 hPa', () => {
  const env = new SiteEnvironment({ ...defaultSite('x', 'outdoor'), altitudeM: 0 }, [], createRng(2, 'site'), start)
  const s = series(env, 24 * 60, HOUR)
  let small = 0
  for (let i = 3; i < s.length; i++) if (Math.abs((s[i] as { P: number }).P - (s[i - 3] as { P: number }).P) < 1) small++
  assert.ok(small / (s.length - 3) > 0.5, `share within ±1 hPa: ${small / (s.length - 3)}`)
  for (const x of s) assert.ok(x.P > 948 && x.P < 1052)
})

test('scripted events: heat wave raises outdoor temperature; door open pulls indoor toward outdoor', () => {
  const ev = (type: ScriptedEvent['type'], at: number, dur: number, magnitude = 8): ScriptedEvent => ({ type, site: undefined, device: undefined, start: start + at, end: start + at + dur, magnitude })
  const out0 = new SiteEnvironment(defaultSite('o', 'outdoor'), [], createRng(3, 'site'), start)
  const out1 = new SiteEnvironment(defaultSite('o', 'outdoor'), [ev('heat-wave', 0, 48 * HOUR)], createRng(3, 'site'), start)
  const t = start + 24 * HOUR
  for (let x = start; x <= t; x += HOUR) {
    out0.truthAt(x)
    out1.truthAt(x)
  }
  assert.ok(Math.abs(out1.truthAt(t).temperature - out0.truthAt(t).temperature - 8) < 1e-9)

  const winter = { ...defaultSite('i', 'indoor'), outdoorMeanC: -5 }
  const in0 = new SiteEnvironment(winter, [], createRng(4, 'site'), start)
  const in1 = new SiteEnvironment(winter, [ev('door-open', HOUR, HOUR)], createRng(4, 'site'), start)
  const mid = start + 2 * HOUR - 60_000
  for (let x = start; x <= mid; x += 60_000) {
    in0.truthAt(x)
    in1.truthAt(x)
  }
  assert.ok(in0.truthAt(mid).temperature - in1.truthAt(mid).temperature > 15, 'an hour of open door in winter cools the room')
})
