// Puts the packet-size guard between a socket and aedes: aedes reads this Duplex, which receives
// the socket's bytes only after the tracker has seen their headers, and at most `readBatchBytes`
// at a time. Backpressure is kept: when aedes stops reading (a slow authorizePublish), the bytes
// wait here, the socket pauses, and a flooding device is held by TCP, not by our memory.
//
// Why a batch bound: aedes parses everything one read returns and handles every packet in it at
// once (lib/client.js enqueue), and each of them stays in memory until its write is durable. A
// socket read is up to 64 KiB, ~400 QoS 0 readings of a flooding device; across 1,000 devices
// that was ~450 MB of live heap waiting for Kafka, and the young-generation GC copying it was a
// quarter of the gateway's CPU (`npm run bench -- gateway`, QoS 0 phase, --trace-gc). Raw bytes
// waiting here cost one Buffer, not hundreds of parsed packets and records; the threat this names
// is memory exhaustion by many connections each sending a full socket buffer of tiny publishes.
import { Duplex } from 'node:stream'
import { Fifo } from '../sink/fifo.ts'
import { PacketSizeTracker, type GuardVerdict } from './packet-size-guard.ts'

export interface GuardedStreamOptions {
  maxPacketBytes: number
  /** bytes handed to aedes per read; what one connection has parsed and in flight is about twice this */
  readBatchBytes: number
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
  const budget = opts.readBatchBytes
  // Bytes read from the socket and checked, not yet handed to aedes. A socket chunk larger than
  // the budget is cut (subarray, no copy); the cut may fall inside a packet, which mqtt-packet
  // reassembles. Liveness: every piece is pushed after aedes drained the buffer (from _read, on
  // the next tick), so each push emits 'readable' and aedes reads again even when a piece held
  // no complete packet.
  const pending = new Fifo<Buffer>()
  let pendingBytes = 0
  let ended = false
  let rejected = false
  /** aedes asked for data (_read) and has not been given any since */
  let wanted = false
  let scheduled = false

  const takePiece = (): Buffer => {
    const parts: Buffer[] = []
    let total = 0
    while (total < budget && pending.length > 0) {
      const head = pending.peek() as Buffer
      if (total + head.length <= budget) {
        parts.push(pending.shift() as Buffer)
        total += head.length
      } else {
        const cut = budget - total
        parts.push(head.subarray(0, cut))
        pending.replaceHead(head.subarray(cut))
        total += cut
      }
    }
    pendingBytes -= total
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total)
  }
  const pump = (): void => {
    scheduled = false
    if (!wanted || wrapper.destroyed) return
    if (pendingBytes > 0) {
      wanted = false
      wrapper.push(takePiece())
    } else if (ended) {
      wanted = false
      wrapper.push(null)
    }
    if (pendingBytes < budget && !ended && !rejected) socket.resume()
  }
  const schedulePump = (): void => {
    if (scheduled) return
    scheduled = true
    process.nextTick(pump)
  }

  const wrapper = new ReadAllDuplex({
    readableHighWaterMark: budget,
    read() {
      wanted = true
      schedulePump()
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
    pending.push(chunk)
    pendingBytes += chunk.length
    if (pendingBytes >= budget) socket.pause()
    if (wanted) schedulePump()
  })
  socket.on('end', () => {
    ended = true
    if (wanted) schedulePump()
  })
  socket.on('close', () => {
    // After a clean end (FIN) the bytes still waiting here are handed over first, then the end:
    // a device that sends a burst and disconnects has all of it read, as by Mosquitto. A reset or
    // an error ends the session at once.
    if (ended && !rejected && (pendingBytes > 0 || !wrapper.readableEnded)) return
    if (!wrapper.destroyed) wrapper.destroy()
  })
  socket.on('error', () => {
    // the wrapper's close ends the aedes client; the error itself is counted by the listener
  })
  return wrapper
}
