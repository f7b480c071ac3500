import type { Dialect } from '../../contracts/reading.ts'
import type { DialectEncoder } from './dialect-types.ts'
import { esphomeEncoder } from './esphome.ts'
import { nativeEncoder } from './native.ts'
import { tasmotaEncoder } from './tasmota.ts'

export const encoders: Readonly<Record<Dialect, DialectEncoder>> = {
  native: nativeEncoder,
  tasmota: tasmotaEncoder,
  esphome: esphomeEncoder,
}

/** Whether the dialect's payload carries the device's seq and time (the gateway assigns otherwise). */
export const carriesSeq: Readonly<Record<Dialect, boolean>> = { native: true, tasmota: false, esphome: false }
