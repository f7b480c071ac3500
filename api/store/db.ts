// The API's only path to Cassandra: prepared statements, a per-query timeout, paging, and the
// translation of a refused paging state into a 400 (the caller's cursor) instead of a 500.
import type cassandra from 'cassandra-driver'
import { AppError } from '../errors.ts'
import { QueryCache } from './query-cache.ts'
import { isBadPagingState } from './store-errors.ts'

export interface Page {
  rows: cassandra.types.Row[]
  pageState?: string
}

export interface Db {
  client: cassandra.Client
  cache: QueryCache
  run(query: string, params: unknown[], opts?: { fetchSize?: number; pageState?: string }): Promise<Page>
}

export function createDb(client: cassandra.Client, timeoutMs: number, cache: QueryCache = new QueryCache(0)): Db {
  return {
    client,
    cache,
    async run(query, params, opts = {}) {
      const qo: cassandra.QueryOptions = { prepare: true, readTimeout: timeoutMs }
      if (opts.fetchSize !== undefined) qo.fetchSize = opts.fetchSize
      if (opts.pageState !== undefined) qo.pageState = opts.pageState
      try {
        const rs = await client.execute(query, params, qo)
        const page: Page = { rows: rs.rows }
        if (rs.pageState) page.pageState = rs.pageState
        return page
      } catch (err) {
        if (opts.pageState !== undefined && isBadPagingState(err)) {
          throw new AppError('API_ERR_BAD_CURSOR', 'cursor is damaged; start again without cursor', { cause: err })
        }
        throw err
      }
    },
  }
}
