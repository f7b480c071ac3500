// Turns the command line (and an optional fleet file) into a checked plan: every duration parsed,
// every profile loaded, every interval checked against its sensor's minimum. All user mistakes
// surface here, before any device or connection exists.
import type { Dialect } from '../../contracts/reading.ts'
import { loadProfile } from '../../firmware-profiles/load-profile.ts'
import type { FirmwareProfile } from '../../firmware-profiles/profile-schema.ts'
import type { ChaosOptions } from '../chaos/chaos-options.ts'
import type { SimConfig } from '../config.ts'
import { clientKinds, type ClientKind } from '../device/client-kind.ts'
import type { PowerMode } from '../device/device-spec.ts'
import { parseDuration } from '../duration.ts'
import type { ScriptedEvent } from '../environment/scripted-events.ts'
import { defaultSite, type Site } from '../environment/site.ts'
import { SimError } from '../errors.ts'
import { loadFleet, type FleetFile } from './fleet-file.ts'

export const DEFAULT_OFFLINE_START = Date.UTC(2026, 0, 1)

export interface PlannedGroup {
  profile: FirmwareProfile
  count: number
  site: string
  dialect: Dialect
  intervalMs: number
  qos: 0 | 1
  client: ClientKind
  power: PowerMode
  batteryMah: number
}

export interface FleetPlan {
  seed: number
  startAt: number
  durationMs: number
  idPrefix: string
  sites: Site[]
  groups: PlannedGroup[]
  events: ScriptedEvent[]
  chaos: ChaosOptions
}

function parseStart(text: string, offline: boolean, now: number): number {
  if (text === '') return offline ? DEFAULT_OFFLINE_START : now
  if (text === 'now') return now
  const t = Date.parse(text)
  if (Number.isNaN(t)) throw new SimError('SIM_ERR_INVALID_ARGS', `--start: "${text}" is not an ISO-8601 time or "now"`)
  return t
}

function pickClient(where: string, name: SimConfig['client'], qos: 0 | 1): ClientKind {
  const kind = clientKinds[name === 'auto' ? (qos === 1 ? 'esp-mqtt' : 'pubsubclient') : name]
  if (qos > kind.maxQos) throw new SimError('SIM_ERR_INVALID_ARGS', `${where}: ${kind.name} publishes QoS 0 only (sensors.md §4.1); use --client esp-mqtt for QoS 1`)
  return kind
}

export function planFleet(cfg: SimConfig, now = Date.now()): FleetPlan {
  const offline = cfg.out !== ''
  const file: FleetFile | null = cfg.fleet === '' ? null : loadFleet(cfg.fleet)
  const sites = file && file.sites.length > 0 ? file.sites : [defaultSite('site-1', cfg.siteKind)]
  const profiles = new Map<string, FirmwareProfile>()
  const groupsIn = file ? file.groups : [{ profile: cfg.profile, count: cfg.devices }]
  const groups = groupsIn.map((g, i): PlannedGroup => {
    const where = file ? `${cfg.fleet} /groups/${i}` : '--profile'
    let profile = profiles.get(g.profile)
    if (!profile) {
      profile = loadProfile(g.profile)
      profiles.set(g.profile, profile)
    }
    const full = { ...g } as Partial<FleetFile['groups'][number]> & { profile: string; count: number }
    const intervalText = full.interval ?? cfg.interval
    const intervalMs = parseDuration(intervalText, file ? `${where}/interval` : '--interval')
    if (intervalMs < profile.minIntervalMs.value) {
      throw new SimError(
        'SIM_ERR_INTERVAL_TOO_SHORT',
        `${file ? `${where}/interval` : '--interval'} ${intervalText} is below the ${profile.id} minimum of ${profile.minIntervalMs.value} ms (${profile.minIntervalMs.source})`,
      )
    }
    const qos = full.qos ?? cfg.qos
    return {
      profile,
      count: g.count,
      site: full.site ?? (sites[0] as Site).id,
      dialect: full.dialect ?? cfg.dialect,
      intervalMs,
      qos,
      client: pickClient(file ? `${where}/client` : '--client', full.client ?? cfg.client, qos),
      power: full.power ?? cfg.power,
      batteryMah: full.batteryMah ?? cfg.batteryMah,
    }
  })
  const events = (file?.events ?? []).map(
    (e, i): ScriptedEvent => ({
      type: e.type,
      site: e.site,
      device: e.device,
      start: parseDuration(e.at, `${cfg.fleet} /events/${i}/at`),
      end: parseDuration(e.at, `${cfg.fleet} /events/${i}/at`) + parseDuration(e.duration, `${cfg.fleet} /events/${i}/duration`),
      magnitude: e.magnitude ?? (e.type === 'heat-wave' ? 8 : 1),
    }),
  )
  const outages =
    cfg.chaos.outageAt === ''
      ? []
      : [{ start: parseDuration(cfg.chaos.outageAt, '--chaos-outage-at'), end: parseDuration(cfg.chaos.outageAt, '--chaos-outage-at') + parseDuration(cfg.chaos.outageFor, '--chaos-outage-for') }]
  return {
    seed: cfg.seed,
    startAt: parseStart(cfg.start, offline, now),
    durationMs: parseDuration(cfg.duration, '--duration'),
    idPrefix: cfg.idPrefix,
    sites,
    groups,
    events,
    chaos: {
      duplicate: cfg.chaos.duplicate,
      reorder: cfg.chaos.reorder,
      malformed: cfg.chaos.malformed,
      clockSkewMs: parseDuration(cfg.chaos.clockSkew, '--chaos-clock-skew'),
      disconnectsPerHour: cfg.chaos.disconnectsPerHour,
      outages,
    },
  }
}
