// String(v) through a bounded cache. Quantized sensor values repeat (a 0.01 °C channel spends hours
// within a few hundred distinct values), and double-to-shortest-string conversion was the largest
// cost of the encoders in --out mode; a Map hit is several times cheaper. Exact by construction:
// a miss stores String(v).
const MAX_ENTRIES = 1 << 16
let cache = new Map<number, string>()

export function numberText(v: number): string {
  let s = cache.get(v)
  if (s === undefined) {
    if (cache.size >= MAX_ENTRIES) cache = new Map()
    s = String(v)
    cache.set(v, s)
  }
  return s
}
