// Puts the packet-size guard between a socket and aedes: aedes reads this Duplex, which receives
// the socket's bytes only after the tracker has seen their headers. Backpressure is kept: when
// aedes stops reading (a slow authorizePublish), push() returns false and the socket pauses, so a
// flooding device is held by TCP, not by our memory.
import { Duplex } from 'node:stream'
import { PacketSizeTracker, type GuardVerdict } from './packet-size-guard.ts'

export interface GuardedStreamOptions {
  maxPacketBytes: number
  onReject: (verdict: Exclude<GuardVerdict, { ok: true }>) => void
}

// aedes reads once per 'readable' event with read(null) and hands what it gets to its parser,
// relying on the documented contract that read() without a size returns the whole buffer. Node 26
// returns only the first buffered chunk instead, so when several chunks were pushed before aedes
// read (MQTT.js over WebSocket sends each field of a packet as its own frame), the rest of a
// CONNECT stayed buffered waiting for a 'readable' that never came: the WebSocket listener hung.
// This keeps the old contract on every Node version.
class ReadAllDuplex extends Duplex {
  override read(size?: number | null): Buffer | null {
    if (size !== undefined && size !== null) return super.read(size) as Buffer | null
    const first = super.read() as Buffer | null
    if (first === null || this.readableLength === 0) return first
    const parts = [first]
    let total = first.length
    while (this.readableLength > 0) {
      const next = super.read() as Buffer | null
      if (next === null) break
      parts.push(next)
      total += next.length
    }
    return Buffer.concat(parts, total)
  }
}

export function guardStream(socket: Duplex, opts: GuardedStreamOptions): Duplex {
  const tracker = new PacketSizeTracker(opts.maxPacketBytes)
  let rejected = false
  const wrapper = new ReadAllDuplex({
    read() {
      socket.resume()
    },
    write(chunk: Buffer, _enc, cb) {
      if (socket.destroyed) return cb(new Error('socket closed'))
      socket.write(chunk, cb)
    },
    // mqtt-packet writes a packet as several small buffers (a PUBACK is 3 writes) between cork()
    // and uncork(); without writev each became its own socket write, one syscall (or WebSocket
    // frame) per field, which was a quarter of the gateway's CPU under QoS 1 load.
    writev(chunks: Array<{ chunk: Buffer }>, cb) {
      if (socket.destroyed) return cb(new Error('socket closed'))
      socket.write(chunks.length === 1 ? (chunks[0] as { chunk: Buffer }).chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb)
    },
    final(cb) {
      socket.end()
      cb()
    },
    destroy(err, cb) {
      socket.destroy()
      cb(err)
    },
  })
  socket.on('data', (chunk: Buffer) => {
    if (rejected) return
    const v = tracker.feed(chunk)
    if (!v.ok) {
      rejected = true
      opts.onReject(v)
      socket.destroy()
      wrapper.destroy()
      return
    }
    if (!wrapper.push(chunk)) socket.pause()
  })
  socket.on('end', () => wrapper.push(null))
  socket.on('close', () => {
    if (!wrapper.destroyed) wrapper.destroy()
  })
  socket.on('error', () => {
    // the wrapper's close ends the aedes client; the error itself is counted by the listener
  })
  return wrapper
}
