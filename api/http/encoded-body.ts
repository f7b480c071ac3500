// A serialised response body shared by every request that hits the same cache entry, with its
// gzip form made once, on the thread pool, the first time a client accepts it. A 24 h page of
// 1-minute windows is 0.4-1.6 MB of JSON and about a tenth of that gzipped: for a browser (which
// always sends Accept-Encoding: gzip) the bytes on the wire, not our query, are most of the cost.
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

const gzipAsync = promisify(gzip)

/** Below this, gzip saves less than it costs (headers, CPU); such bodies are sent as they are. */
export const GZIP_MIN_BYTES = 1_024

export class EncodedBody {
  readonly json: Buffer
  #gzip: Promise<Buffer> | undefined

  constructor(json: Buffer) {
    this.json = json
  }

  gzip(): Promise<Buffer> {
    this.#gzip ??= gzipAsync(this.json)
    return this.#gzip
  }
}

/** True when Accept-Encoding lists gzip (or *) with a non-zero q (RFC 9110 §12.5.3). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';')
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') continue
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    if (q === undefined || Number(q.slice(2)) > 0) return true
  }
  return false
}

/** Sends `body` as JSON, gzipped when the client accepts it and it is worth it. */
export async function sendEncoded(req: FastifyRequest, reply: FastifyReply, body: EncodedBody): Promise<FastifyReply> {
  reply.header('vary', 'accept-encoding').type('application/json; charset=utf-8')
  if (body.json.length >= GZIP_MIN_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
    return reply.header('content-encoding', 'gzip').send(await body.gzip())
  }
  return reply.send(body.json)
}
