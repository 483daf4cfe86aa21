/**
 * @kiosk/projector — turns the update log into authoritative rows and daily order numbers.
 *
 * - `startProjector({ store })` runs the tail (one per outlet scope; see the lease).
 * - `rebuild({ store, onProgress })` / `verify({ store })` are the maintenance commands.
 * - `projectOrder(record, meta, outlet?)` is the pure projection, usable alone.
 */
export { startProjector, cursorNameFor, readCursor, type Projector, type ProjectorOptions, type ProjectorStats, type ProjectorLogger } from './projector';
export {
  rebuild,
  RebuildError,
  PROJECTED_TABLES,
  DELETED_FROM_DOCUMENT,
  NOT_PROJECTED_BY_REBUILD,
  SHADOW_SCHEMA,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
  type RefusedOrder,
} from './maintenance/rebuild';
export { verify, type Difference, type DifferenceKind, type VerifyOptions } from './maintenance/verify';
export { projectOrder, type DocMeta } from './project/project-order';
export type * from './project/rows';
export { Lease, LeaseLostError, ALL_OUTLETS, type LeaseScope, type ProjectorMode } from './numbering/lease';
export { PROJECTOR_DEVICE, PROJECTOR_ORIGIN } from './tail/batch-projector';
