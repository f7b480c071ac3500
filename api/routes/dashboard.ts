// GET / — the live dashboard: static files from api/dashboard/ and uPlot from the installed npm
// package (no CDN: the dashboard must work offline). Served by this Fastify, no front-end server.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync } from 'fastify'

const here = dirname(fileURLToPath(import.meta.url))
export const dashboardDir = join(here, '..', 'dashboard')
export const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot')), '.')

export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: dashboardDir, prefix: '/', index: ['index.html'], schemaHide: true, maxAge: 0 })
  await app.register(fastifyStatic, {
    root: uplotDir,
    prefix: '/vendor/uplot/',
    decorateReply: false,
    schemaHide: true,
    allowedPath: (path) => /^\/uPlot\.(iife\.min\.js|min\.css)$/.test(path),
  })
}
