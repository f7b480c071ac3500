// pageAcrossDays against an in-memory "table": every row exactly once whatever the page size, with
// and without reading the next day ahead, and a read-ahead that is not needed is dropped quietly.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type cassandra from 'cassandra-driver'
import { pageAcrossDays, type DayPage, type DayPosition } from '../../api/store/day-pager.ts'
import type { Page } from '../../api/store/db.ts'

const days = ['2026-11-20', '2026-11-21', '2026-11-22']
const table: Record<string, number[]> = { '2026-11-20': [1, 2, 3, 4, 5], '2026-11-21': [], '2026-11-22': [6, 7, 8] }

function fakeStore(failDay?: string) {
  const calls: string[] = []
  const fetch = async (day: string, fetchSize: number, pageState?: string): Promise<Page> => {
    calls.push(`${day}@${pageState ?? 0}/${fetchSize}`)
    await new Promise((r) => setImmediate(r))
    if (day === failDay) throw new Error('down')
    const from = pageState === undefined ? 0 : Number(pageState)
    const rows = (table[day] ?? []).slice(from, from + fetchSize).map((v) => ({ v }) as unknown as cassandra.types.Row)
    const page: Page = { rows }
    if (from + fetchSize < (table[day] ?? []).length) page.pageState = String(from + fetchSize)
    return page
  }
  return { fetch, calls }
}
const map = (r: cassandra.types.Row): number => (r as unknown as { v: number }).v

async function all(limit: number, concurrentDays: boolean): Promise<{ values: number[]; calls: number }> {
  const s = fakeStore()
  const values: number[] = []
  let pos: DayPosition | undefined = {}
  while (pos) {
    const p: DayPage<number> = await pageAcrossDays(days, limit, pos, s.fetch, map, { concurrentDays })
    assert.ok(p.rows.length <= limit)
    values.push(...p.rows)
    pos = p.next
  }
  return { values, calls: s.calls.length }
}

test('every row once, oldest day first, for any page size, with and without read-ahead', async () => {
  for (const limit of [1, 2, 3, 5, 7, 100]) {
    for (const concurrentDays of [false, true]) {
      assert.deepEqual((await all(limit, concurrentDays)).values, [1, 2, 3, 4, 5, 6, 7, 8], `limit ${limit}, concurrentDays ${concurrentDays}`)
    }
  }
})

test('a page that holds the whole range: days read concurrently, nothing read twice', async () => {
  const s = fakeStore()
  const p = await pageAcrossDays(days, 100, {}, s.fetch, map, { concurrentDays: true })
  assert.deepEqual(p.rows, [1, 2, 3, 4, 5, 6, 7, 8])
  assert.equal(p.next, undefined)
  assert.deepEqual(s.calls, ['2026-11-20@0/100', '2026-11-21@0/100', '2026-11-22@0/95'])
})

test('a failing read-ahead that is not needed is no unhandled rejection; one that is needed fails the page', async () => {
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown): void => void unhandled.push(e)
  process.on('unhandledRejection', onUnhandled)
  try {
    const s = fakeStore('2026-11-21')
    const p = await pageAcrossDays(days, 3, {}, s.fetch, map, { concurrentDays: true })
    assert.deepEqual(p.rows, [1, 2, 3])
    await assert.rejects(pageAcrossDays(days, 100, {}, s.fetch, map, { concurrentDays: true }), /down/)
    await new Promise((r) => setTimeout(r, 20))
    assert.deepEqual(unhandled, [])
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
})
