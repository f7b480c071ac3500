// Driver values → JSON values: timestamps as ISO-8601, bigint (Long) as number, missing as null.
import type cassandra from 'cassandra-driver'

type Row = cassandra.types.Row

export const isoOrNull = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null)
export const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(0).toISOString())

export function numOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'number') return v
  if (typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber()
  return null
}

export const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null)

export const col = (row: Row, name: string): unknown => row.get(name)
