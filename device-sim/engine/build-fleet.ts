// Builds the devices of a plan. Scripted events are in simulation-relative time in the plan and
// absolute here; sites share one environment so co-located devices see the same air.
import { Device } from '../device/device.ts'
import type { ScriptedEvent } from '../environment/scripted-events.ts'
import { SiteEnvironment } from '../environment/site-environment.ts'
import { createRng } from '../random/prng.ts'
import type { FleetPlan } from './fleet-plan.ts'

export function buildDevices(plan: FleetPlan): Device[] {
  const events: ScriptedEvent[] = plan.events.map((e) => ({ ...e, start: plan.startAt + e.start, end: plan.startAt + e.end }))
  const envs = new Map(plan.sites.map((s) => [s.id, new SiteEnvironment(s, events, createRng(plan.seed, 'site', s.id), plan.startAt)]))
  const perProfile = new Map<string, number>()
  const devices: Device[] = []
  for (const g of plan.groups) {
    const env = envs.get(g.site)
    if (!env) throw new Error(`site ${g.site} missing from the plan`)
    for (let i = 0; i < g.count; i++) {
      const n = (perProfile.get(g.profile.id) ?? 0) + 1
      perProfile.set(g.profile.id, n)
      const id = `${plan.idPrefix}-${g.profile.id}-${String(n).padStart(5, '0')}`
      const unplugged = events.filter((e) => e.type === 'sensor-unplugged' && (e.site === undefined || e.site === g.site) && (e.device === undefined || e.device === id))
      devices.push(
        new Device(
          { id, profile: g.profile, dialect: g.dialect, qos: g.qos, client: g.client, intervalMs: g.intervalMs, power: g.power, batteryMah: g.batteryMah, env, unplugged, chaos: plan.chaos },
          plan.seed,
          plan.startAt,
        ),
      )
    }
  }
  return devices
}
