// Puts the packet-size guard between a socket and aedes: aedes reads this Duplex, which receives
// the socket's bytes only after the tracker has seen their headers, and at most `readBatchBytes`
// at a time. Backpressure is kept: when aedes stops reading (a slow authorizePublish), the bytes
// wait here, the socket pauses, and a flooding device is held by TCP, not by our memory.
//
// Why a batch bound: aedes parses everything one read returns and handles every packet in it at
// once (lib/client.js enqueue), and each of them stays in memory until its write is durable. A
// socket read is up to 64 KiB, ~400 QoS 0 readings of a flooding device; across 1,000 devices
// the heap grew to ~450 MB (~220 MB with this bound; the benchmark's QoS 0 phase under
// --trace-gc). The bound is for memory, not CPU: GC time stayed the same, since every reading
// lives until Kafka acknowledges it either way. Raw bytes waiting here cost one Buffer, not
// hundreds of parsed packets and records; the threat this names is memory exhaustion by many
// connections each sending a full socket buffer of tiny publishes.
import { Duplex } from 'node:stream'
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
// `read` below keeps the old contract on every Node version.
//
// A class with prototype methods rather than closures per connection: with 10,000 idle devices
// every per-connection byte counts (issue 4's 20 KB per idle connection).
class GuardedStream extends Duplex {
  readonly #socket: Duplex
  readonly #tracker: PacketSizeTracker
  readonly #budget: number
  readonly #onReject: GuardedStreamOptions['onReject']
  // Bytes read from the socket and checked, not yet handed to aedes: a plain array, it holds a few
  // chunks at most (the socket pauses at one budget). A chunk larger than the budget is cut
  // (subarray, no copy); the cut may fall inside a packet, which mqtt-packet reassembles.
  // Liveness: every piece is pushed after aedes drained the buffer (from _read, on the next tick),
  // so each push emits 'readable' and aedes reads again even when a piece held no complete packet.
  readonly #pending: Buffer[] = []
  #pendingBytes = 0
  #ended = false
  #rejected = false
  /** aedes asked for data (_read) and has not been given any since */
  #wanted = false
  #scheduled = false

  constructor(socket: Duplex, opts: GuardedStreamOptions) {
    super({ readableHighWaterMark: opts.readBatchBytes })
    this.#socket = socket
    this.#tracker = new PacketSizeTracker(opts.maxPacketBytes)
    this.#budget = opts.readBatchBytes
    this.#onReject = opts.onReject
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('end', () => {
      this.#ended = true
      if (this.#wanted) this.#schedulePump()
    })
    socket.on('close', () => {
      // After a clean end (FIN) the bytes still waiting here are handed over first, then the end:
      // a device that sends a burst and disconnects has all of it read, as by Mosquitto. A reset
      // or an error ends the session at once.
      if (this.#ended && !this.#rejected && (this.#pendingBytes > 0 || !this.readableEnded)) return
      if (!this.destroyed) this.destroy()
    })
    socket.on('error', () => {
      // the wrapper's close ends the aedes client; the error itself is counted by the listener
    })
  }

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

  override _read(): void {
    this.#wanted = true
    this.#schedulePump()
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.#socket.destroyed) return cb(new Error('socket closed'))
    this.#socket.write(chunk, cb)
  }

  // mqtt-packet writes a packet as several small buffers (a PUBACK is 3 writes) between cork()
  // and uncork(); without writev each became its own socket write, one syscall (or WebSocket
  // frame) per field, which was a quarter of the gateway's CPU under QoS 1 load.
  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    if (this.#socket.destroyed) return cb(new Error('socket closed'))
    this.#socket.write(chunks.length === 1 ? (chunks[0] as { chunk: Buffer }).chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb)
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#socket.end()
    cb()
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#socket.destroy()
    cb(err)
  }

  #onData(chunk: Buffer): void {
    if (this.#rejected) return
    const v = this.#tracker.feed(chunk)
    if (!v.ok) {
      this.#rejected = true
      this.#onReject(v)
      this.#socket.destroy()
      this.destroy()
      return
    }
    this.#pending.push(chunk)
    this.#pendingBytes += chunk.length
    if (this.#pendingBytes >= this.#budget) this.#socket.pause()
    if (this.#wanted) this.#schedulePump()
  }

  #schedulePump(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    process.nextTick(GuardedStream.#pumpOf, this)
  }

  static #pumpOf(stream: GuardedStream): void {
    stream.#pump()
  }

  /** hand aedes the next piece (or the end) if it asked; resume the socket once there is room */
  #pump(): void {
    this.#scheduled = false
    if (!this.#wanted || this.destroyed) return
    if (this.#pendingBytes > 0) {
      this.#wanted = false
      this.push(this.#takePiece())
    } else if (this.#ended) {
      this.#wanted = false
      this.push(null)
    }
    if (this.#pendingBytes < this.#budget && !this.#ended) this.#socket.resume()
  }

  #takePiece(): Buffer {
    const pending = this.#pending
    const parts: Buffer[] = []
    let total = 0
    while (total < this.#budget && pending.length > 0) {
      const head = pending[0] as Buffer
      if (total + head.length <= this.#budget) {
        parts.push(pending.shift() as Buffer)
        total += head.length
      } else {
        const cut = this.#budget - total
        parts.push(head.subarray(0, cut))
        pending[0] = head.subarray(cut)
        total += cut
      }
    }
    this.#pendingBytes -= total
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total)
  }
}

export function guardStream(socket: Duplex, opts: GuardedStreamOptions): Duplex {
  return new GuardedStream(socket, opts)
}
