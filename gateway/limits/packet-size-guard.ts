// Maximum packet size, enforced from the fixed header BEFORE the body is buffered. aedes has no
// limit (aedes #831) and mqtt-packet buffers until the declared remaining length (up to 256 MB)
// has arrived: one slow client declaring 256 MB pins that much memory. This tracker walks packet
// boundaries (fixed header byte + variable-byte remaining length [MQTT-2.2.3]) and skips bodies
// by arithmetic, so it costs O(1) per packet and never copies.

export type GuardVerdict = { ok: true } | { ok: false; reason: 'too_large' | 'malformed_length'; declared?: number }

export class PacketSizeTracker {
  readonly #max: number
  #state: 'header' | 'length' | 'body' = 'header'
  #skip = 0
  #value = 0
  #mult = 1
  #lenBytes = 0

  /** `maxPacketBytes` bounds the whole packet (fixed header included), as Mosquitto's max_packet_size. */
  constructor(maxPacketBytes: number) {
    this.#max = maxPacketBytes
  }

  feed(chunk: Uint8Array): GuardVerdict {
    let i = 0
    const n = chunk.length
    while (i < n) {
      if (this.#state === 'body') {
        const take = Math.min(this.#skip, n - i)
        this.#skip -= take
        i += take
        if (this.#skip === 0) this.#state = 'header'
        continue
      }
      if (this.#state === 'header') {
        i++ // packet type and flags; mqtt-packet validates them
        this.#state = 'length'
        this.#value = 0
        this.#mult = 1
        this.#lenBytes = 0
        continue
      }
      const byte = chunk[i++] as number
      this.#value += (byte & 0x7f) * this.#mult
      this.#mult *= 128
      this.#lenBytes++
      if (byte & 0x80) {
        // At most four length bytes [MQTT-2.2.3]; a fifth is a malformed packet.
        if (this.#lenBytes >= 4) return { ok: false, reason: 'malformed_length' }
        // Reject as soon as the partial value alone exceeds the limit: a trickled header is enough.
        if (this.#value > this.#max) return { ok: false, reason: 'too_large', declared: this.#value }
        continue
      }
      const total = 1 + this.#lenBytes + this.#value
      if (total > this.#max) return { ok: false, reason: 'too_large', declared: this.#value }
      this.#skip = this.#value
      this.#state = this.#skip === 0 ? 'header' : 'body'
    }
    return { ok: true }
  }
}
