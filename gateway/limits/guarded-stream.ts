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

export function guardStream(socket: Duplex, opts: GuardedStreamOptions): Duplex {
  const tracker = new PacketSizeTracker(opts.maxPacketBytes)
  let rejected = false
  const wrapper = new Duplex({
    read() {
      socket.resume()
    },
    write(chunk: Buffer, _enc, cb) {
      if (socket.destroyed) return cb(new Error('socket closed'))
      socket.write(chunk, cb)
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
