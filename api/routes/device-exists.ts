import { AppError } from '../errors.ts'
import type { Db } from '../store/db.ts'
import { getDevice } from '../store/devices-store.ts'

/** Unknown device → 404 (issue 6 §4), before any range query runs. */
export async function requireDevice(db: Db, id: string): Promise<void> {
  if (!(await db.cache.get(`device/${id}`, () => getDevice(db, id)))) throw new AppError('API_ERR_DEVICE_NOT_FOUND', `no device "${id}" in the registry`)
}
