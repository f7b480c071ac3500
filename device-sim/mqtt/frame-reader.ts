// Splits the broker→client byte stream into MQTT control packets. A publish-only device receives
// just CONNACK, PUBACK and PINGRESP (it never subscribes), so this keeps no parser object per
// connection, only a leftover buffer while a packet is split across reads.
export interface Frame {
  /** control packet type, the high nibble of the first byte [MQTT-2.2.1] */
  type: number
  body: Buffer
}

export class FrameReader {
  private rest: Buffer | null = null

  /** Feeds bytes; returns the complete frames, or throws on a malformed remaining length. */
  push(chunk: Buffer): Frame[] {
    let buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk
    this.rest = null
    const out: Frame[] = []
    for (;;) {
      if (buf.length < 2) break
      // remaining length: up to four 7-bit groups, least significant first [MQTT-2.2.3]
      let len = 0
      let mult = 1
      let i = 1
      let complete = false
      for (; i < 5 && i < buf.length; i++) {
        const b = buf[i] as number
        len += (b & 0x7f) * mult
        mult *= 128
        if ((b & 0x80) === 0) {
          complete = true
          i++
          break
        }
      }
      if (!complete) {
        if (i >= 5) throw new Error('malformed remaining length')
        break
      }
      if (buf.length < i + len) break
      out.push({ type: (buf[0] as number) >> 4, body: buf.subarray(i, i + len) })
      buf = buf.subarray(i + len)
    }
    if (buf.length > 0) this.rest = Buffer.from(buf)
    return out
  }
}
