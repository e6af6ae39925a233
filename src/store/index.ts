/**
 * `whatsapp-gateway-sdk/store`: where a `SessionManager` keeps what several processes must share (last
 * activity, repair history, leases, pending work). `FileStore` for several processes on one machine,
 * `RedisStore` for many machines; `MemoryStore` (one process) is also exported from the core entry.
 * @module whatsapp-gateway-sdk/store
 */
export { defaultStoreDir, FileStore, type FileStoreOptions } from './file.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export {
  type IoRedisLikeClient,
  type NodeRedisLikeClient,
  type RedisClientLike,
  RedisStore,
  type RedisStoreOptions,
} from './redis.js';
export type { LeaseInfo, PendingWork, RepairRecord, SessionStore, StoreLimits } from './types.js';
