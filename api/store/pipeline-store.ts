// Reads what gateways and processors flushed into pipeline_instances / pipeline_counters
// (contracts/pipeline-counters.ts) and sums each counter per device over every instance.
import { PipelineComponents, type PipelineComponent } from '../../contracts/pipeline-counters.ts'
import type { Db } from './db.ts'
import { mapLimit } from './map-limit.ts'
import { iso, numOrNull } from './row-values.ts'

export interface InstanceInfo {
  component: PipelineComponent
  instance: string
  host: string | null
  startedAt: string
  updatedAt: string
}

/** component → deviceId → counter → value, summed over instances. */
export type CounterSums = Record<PipelineComponent, Map<string, Map<string, number>>>

export async function readPipelineCounters(db: Db): Promise<{ instances: InstanceInfo[]; sums: CounterSums }> {
  const inst = await db.run('SELECT component, instance, host, started_at, updated_at FROM pipeline_instances WHERE component IN ?', [[...PipelineComponents]])
  const instances: InstanceInfo[] = inst.rows.map((r) => ({
    component: r.get('component') as PipelineComponent,
    instance: r.get('instance') as string,
    host: (r.get('host') as string | null) ?? null,
    startedAt: iso(r.get('started_at')),
    updatedAt: iso(r.get('updated_at')),
  }))
  const sums: CounterSums = { gateway: new Map(), processor: new Map() }
  await mapLimit(instances, 4, async (i) => {
    let pageState: string | undefined
    do {
      const page = await db.run(
        'SELECT device_id, counter, value FROM pipeline_counters WHERE component = ? AND instance = ?',
        [i.component, i.instance],
        pageState === undefined ? { fetchSize: 5_000 } : { fetchSize: 5_000, pageState },
      )
      for (const r of page.rows) {
        const device = r.get('device_id') as string
        let m = sums[i.component].get(device)
        if (!m) sums[i.component].set(device, (m = new Map()))
        const counter = r.get('counter') as string
        m.set(counter, (m.get(counter) ?? 0) + (numOrNull(r.get('value')) ?? 0))
      }
      pageState = page.pageState
    } while (pageState)
  })
  return { instances, sums }
}
