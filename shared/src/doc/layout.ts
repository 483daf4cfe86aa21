/**
 * The shape of the Yjs documents — the one place that names their keys.
 *
 * Outlet document `{tenant}/{outlet}`:
 *   getMap('settings')        key → value of OutletSettings (last writer wins per key)
 *   getMap('categories')      id → Category
 *   getMap('items')           id → Item
 *   getMap('modifierGroups')  id → ModifierGroup
 *   getMap('promotions')      id → Promotion
 *   getMap('devices')         id → Device
 *   getMap('staff')           id → { id, name, role, active } (no PIN verifier: see staff-keys below)
 *   getMap('approvalKeys')    Ed25519 public key (base64) → { staffId, publicKey, createdAt, retiredAt? }
 *   getArray('numbering')     NumberingEntry, append-only: who numbers the outlet's orders
 *                             (hand-overs written by the cloud API, releases by projectors;
 *                             see domain/numbering-authority.ts)
 *
 * Staff-keys document `{tenant}/{outlet}/staff-keys` (terminals read; kitchen and back-office
 * sessions refused; LAN box and projector read-write):
 *   getMap('envelopes')       staffId → StaffKeyEnvelope (the private key sealed under the PIN)
 *
 * Day document `{tenant}/{outlet}/{YYYY-MM-DD}`:
 *   getMap('orders')          orderId (UUIDv7) → Y.Map with
 *        'header'  OrderHeader   written once at submission
 *        'events'  Y.Array<OrderEvent>  append-only: payments, bumps, recalls, voids, refunds, cancel
 *        'number'  number        authoritative daily number, written only by the projector
 *   getMap('deviceSeq')       deviceId → last per-day sequence used by that device
 *                             (only that device writes its own key, so no conflicts)
 *   getArray('drawer')        DrawerEvent, append-only: the cash drawer opened outside a sale
 */
export const OUTLET = {
  settings: 'settings',
  categories: 'categories',
  items: 'items',
  modifierGroups: 'modifierGroups',
  promotions: 'promotions',
  devices: 'devices',
  staff: 'staff',
  approvalKeys: 'approvalKeys',
  numbering: 'numbering',
} as const;

export const STAFF_KEYS = {
  envelopes: 'envelopes',
} as const;

export const DAY = {
  orders: 'orders',
  deviceSeq: 'deviceSeq',
  drawer: 'drawer',
} as const;

export const ORDER = {
  header: 'header',
  events: 'events',
  number: 'number',
} as const;
