// Event-time tumbling windows aligned to the Unix epoch (so to UTC midnight when the size divides a
// day): a reading at event time t belongs to [floor(t / size)·size, +size). window_start is that
// left edge — never the time the first reading arrived (one of the seed pipelines' bugs).
export const windowStartOf = (eventTime: number, sizeMs: number): number => Math.floor(eventTime / sizeMs) * sizeMs

/** UTC day (YYYY-MM-DD) of an epoch-ms instant: the Cassandra `day` bucket. */
export const utcDay = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10)

export interface WindowKey {
  deviceId: string
  metric: string
  sizeMs: number
  start: number
}

export const windowKeyString = (k: WindowKey): string => `${k.deviceId}|${k.metric}|${k.sizeMs}|${k.start}`
