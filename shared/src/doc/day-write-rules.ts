/**
 * The write rules of day documents (`{tenant}/{outlet}/{YYYY-MM-DD}`), decided on an incoming
 * Yjs update BEFORE it is applied: the relay's write guard refuses an update that breaks one, so
 * a tampered device can add to paid history but never rewrite it.
 *
 * - `orders` gets new order entries only (a key that exists, or existed, is never set again:
 *   that would replace the order);
 * - an order entry holds `header` (written once, by the device that creates it, for this
 *   document's day), `events` (created once; events are appended, never removed or rewritten)
 *   and `number` (only the numbering authority — a trusted connection — and only once);
 * - `deviceSeq` has one key per device, written only by that device (overwriting its own
 *   previous value is the one deletion a day document ever sees);
 * - `drawer` gets cash-drawer events appended (a drawer opened outside a sale), by terminals,
 *   never removed or rewritten;
 * - a kitchen display only appends kitchen events (bump, recall);
 * - nothing else: no other root type, no other content, no other deletion.
 *
 * Who wrote a struct is the device that owns its Yjs client id (the relay's claims); content
 * must name that device. The checker reads the document and the decoded update only; it never
 * mutates either, and it has no clock (the day window is `writableDays`, computed by the caller).
 */
import * as Y from 'yjs';
import { drawerEventSchema, formatZodError, orderEventSchema, orderHeaderSchema } from '../protocol/schemas';
import { businessDayOf, shiftDay, type BusinessDaySettings } from '../domain/business-day';
import { DAY, ORDER } from './layout';

/** Why an update breaks the rules: `missing_dependency` is worth a retry, the others are not. */
export type WriteRuleKind = 'write_rule' | 'missing_dependency' | 'foreign_client_id';

export class WriteRuleViolation extends Error {
  override name = 'WriteRuleViolation';
  constructor(
    readonly kind: WriteRuleKind,
    message: string,
  ) {
    super(message);
  }
}

export interface DayWriteContext {
  /** The document's business day (`YYYY-MM-DD`): headers must name it. */
  day: string;
  /** The authenticated device sending the update. */
  senderDeviceId: string;
  /** The sender's role: a kitchen display may only append kitchen events. */
  senderRole: string;
  /** A live edit (sync update) rather than catch-up (sync step 2). */
  live: boolean;
  /** Trusted relay (LAN box) or numbering authority: may write `number`, structs are not attributed. */
  trusted: boolean;
  /** Device owning a Yjs client id, if the relay has a claim for it. */
  ownerOf(client: number): string | undefined;
  /** Staff ids of the outlet (undefined: not known, so not checked). */
  staffIds?: ReadonlySet<string>;
  /** Paired devices of the outlet (undefined: not known). Catch-up may carry their structs. */
  deviceIds?: ReadonlySet<string>;
}

export interface DayWriteVerdict {
  /** Client ids first seen in this update → the device they are attributed to (to be claimed). */
  claims: Map<number, string>;
  /**
   * Client ids with new content attributed to a device other than the sender: catch-up that
   * relays what another device wrote. Legitimate after a relay lost updates it had broadcast,
   * but also what forging another device's writes looks like — the relay records it with the
   * log row, and the projector flags the orders it touches.
   */
  relayed: Map<number, string>;
  /** The update adds or deletes something the document does not have (else it is a no-op). */
  changes: boolean;
}

/** Highest order number a document may carry (a day of an outlet never gets near it). */
export const MAX_ORDER_NUMBER = 1_000_000;

const KITCHEN_EVENTS: ReadonlySet<string> = new Set(['station', 'recall']);
const ORDER_KEYS: ReadonlySet<string> = new Set([ORDER.header, ORDER.events, ORDER.number]);

/** Where an item sits: under a root type (by name) or inside the type held by another item. */
type Parent = { root: string } | { item: Y.ID };
interface Place {
  parent: Parent;
  key: string | null;
}
/** What a container item (one holding a Y.Map/Y.Array) is in the day document's layout. */
type Container = { kind: 'order'; orderId: string } | { kind: 'events'; orderId: string } | { kind: 'other' };

const idKey = (id: Y.ID): string => `${id.client}:${id.clock}`;

/**
 * Checks `update` against the rules for `doc`; throws `WriteRuleViolation` naming the first
 * broken rule, else returns the client ids to claim.
 */
export function checkDayUpdate(doc: Y.Doc, update: Uint8Array, ctx: DayWriteContext): DayWriteVerdict {
  const { structs, ds } = Y.decodeUpdate(update);
  const checker = new Checker(doc, ctx, structs);
  checker.checkStructs();
  checker.checkDeletes(ds);
  return checker.verdict();
}

class Checker {
  private readonly incoming = new Map<number, Y.Item[]>();
  private readonly incomingItems = new Set<Y.Item>();
  /** Collected (GC) ranges the update carries, per client: [clock, end). */
  private readonly incomingGc = new Map<number, Array<[number, number]>>();
  private readonly rootNames = new Map<unknown, string>();
  private readonly attributed = new Map<number, string | null>();
  /** `parent|key` of map entries this update sets (a key may be set once per update). */
  private readonly setKeys = new Set<string>();
  /** deviceSeq keys this update writes (their old values may be deleted). */
  private readonly seqKeys = new Set<string>();
  private changes = false;

  constructor(
    private readonly doc: Y.Doc,
    private readonly ctx: DayWriteContext,
    structs: Array<Y.Item | Y.GC | Y.Skip>,
  ) {
    for (const s of structs) {
      if (s instanceof Y.GC) {
        // Collected content (a device's own overwritten values): carries nothing, deletes nothing.
        const ranges = this.incomingGc.get(s.id.client);
        if (ranges) ranges.push([s.id.clock, s.id.clock + s.length]);
        else this.incomingGc.set(s.id.client, [[s.id.clock, s.id.clock + s.length]]);
        continue;
      }
      if (!(s instanceof Y.Item)) continue; // Skip: a gap
      this.incomingItems.add(s);
      const list = this.incoming.get(s.id.client);
      if (list) list.push(s);
      else this.incoming.set(s.id.client, [s]);
    }
    for (const [name, type] of doc.share) this.rootNames.set(type, name);
  }

  checkStructs(): void {
    for (const [client, ranges] of this.incomingGc) {
      if (ranges.some(([, end]) => end > Y.getState(this.doc.store, client))) this.changes = true;
    }
    for (const [client, items] of this.incoming) {
      const known = Y.getState(this.doc.store, client);
      if (this.ctx.live && !this.ctx.trusted && items.some((item) => item.id.clock + item.length > known)) {
        // A live edit is the sender's own: its client id is the sender's or new (then claimed).
        const owner = this.ctx.ownerOf(client);
        if (owner !== undefined && owner !== this.ctx.senderDeviceId) {
          throw new WriteRuleViolation('foreign_client_id', `update writes with client id ${client} of another device (${owner}); refused`);
        }
        if (owner === undefined) this.attributed.set(client, this.ctx.senderDeviceId);
      }
      for (const item of items) {
        if (item.id.clock + item.length <= known) continue; // the document has it already
        this.changes = true;
        this.checkItem(item, Math.max(0, known - item.id.clock));
      }
    }
  }

  /** The delete set may only remove a device's own previous `deviceSeq` value. */
  checkDeletes(ds: { clients: Map<number, Array<{ clock: number; len: number }>> }): void {
    for (const [client, ranges] of ds.clients) {
      for (const { clock, len } of ranges) {
        for (let c = clock; c < clock + len;) {
          const found = this.findItem({ client, clock: c } as Y.ID);
          if (typeof found === 'number') {
            c = found; // collected content: already deleted
            continue;
          }
          if (!found) throw new WriteRuleViolation('missing_dependency', `deletes ${client}:${c}, which this document does not hold`);
          const end = found.id.clock + found.length;
          if (!(found.deleted && this.inDoc(found))) {
            this.changes = true;
            const place = this.placeOf(found);
            const isSeq = 'root' in place.parent && place.parent.root === DAY.deviceSeq && place.key !== null && this.seqKeys.has(place.key);
            if (!isSeq) throw new WriteRuleViolation('write_rule', `deletes ${this.describe(place)}: nothing in a day document may be deleted`);
          }
          c = end;
        }
      }
    }
  }

  verdict(): DayWriteVerdict {
    const claims = new Map<number, string>();
    const relayed = new Map<number, string>();
    for (const [client, device] of this.attributed) {
      if (device === null) continue;
      if (device !== this.ctx.senderDeviceId) relayed.set(client, device);
      if (this.ctx.ownerOf(client) === undefined) claims.set(client, device);
    }
    return { claims, relayed, changes: this.changes };
  }

  // ------------------------------------------------------------------ items

  private checkItem(item: Y.Item, offset: number): void {
    const place = this.placeOf(item);
    const content = item.content;
    if (content instanceof Y.ContentDeleted) {
      // Catch-up may carry a device's own overwritten deviceSeq values, already deleted.
      if ('root' in place.parent && place.parent.root === DAY.deviceSeq) return;
      throw new WriteRuleViolation('write_rule', `writes deleted content into ${this.describe(place)}: nothing in a day document may be deleted`);
    }
    if ('root' in place.parent) {
      if (place.parent.root === DAY.orders) return this.checkOrderEntry(item, place);
      if (place.parent.root === DAY.deviceSeq) return this.checkDeviceSeq(item, place);
      if (place.parent.root === DAY.drawer) return this.checkDrawer(item, place, offset);
      throw new WriteRuleViolation('write_rule', `writes ${JSON.stringify(place.parent.root)}, which is not part of a day document`);
    }
    const container = this.containerOf(place.parent.item);
    if (container.kind === 'order') return this.checkOrderField(item, place, container.orderId);
    if (container.kind === 'events') return this.checkEvents(item, place, container.orderId, offset);
    throw new WriteRuleViolation('write_rule', `writes inside ${this.describe(place)}, which is not part of a day document`);
  }

  private checkOrderEntry(item: Y.Item, place: Place): void {
    if (this.kitchenWrote(item.id.client)) throw new WriteRuleViolation('write_rule', 'a kitchen display cannot create orders');
    const orderId = place.key;
    if (orderId === null) throw new WriteRuleViolation('write_rule', 'orders is a map: an entry needs a key');
    if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Map)) {
      throw new WriteRuleViolation('write_rule', `order ${orderId} must be a map`);
    }
    this.onceInMap(place, `an order is never replaced (order ${orderId})`);
  }

  private checkOrderField(item: Y.Item, place: Place, orderId: string): void {
    const key = place.key;
    if (key === null || !ORDER_KEYS.has(key)) throw new WriteRuleViolation('write_rule', `unknown field ${JSON.stringify(key)} (order ${orderId})`);
    if (key === ORDER.number) {
      if (!this.ctx.trusted) throw new WriteRuleViolation('write_rule', `only the numbering authority sets an order number (order ${orderId})`);
      const value = singleValue(item);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ORDER_NUMBER) {
        throw new WriteRuleViolation('write_rule', `an order number is an integer from 1 to ${MAX_ORDER_NUMBER} (order ${orderId})`);
      }
      this.onceInMap(place, `an order number never changes (order ${orderId})`);
      return;
    }
    if (this.kitchenWrote(item.id.client)) throw new WriteRuleViolation('write_rule', 'a kitchen display cannot create orders');
    if (key === ORDER.events) {
      if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Array)) {
        throw new WriteRuleViolation('write_rule', `events must be an array (order ${orderId})`);
      }
      this.onceInMap(place, `an event log is never replaced (order ${orderId})`);
      return;
    }
    this.onceInMap(place, `header already written; it is written once (order ${orderId})`);
    const parsed = orderHeaderSchema.safeParse(singleValue(item));
    if (!parsed.success) throw new WriteRuleViolation('write_rule', `invalid header: ${formatZodError(parsed.error, 'header')} (order ${orderId})`);
    const header = parsed.data;
    if (header.id !== orderId) throw new WriteRuleViolation('write_rule', `header names another order, ${header.id} (order ${orderId})`);
    if (header.businessDay !== this.ctx.day) {
      throw new WriteRuleViolation('write_rule', `header is for business day ${header.businessDay}, not this document's ${this.ctx.day} (order ${orderId})`);
    }
    this.attribute(item.id.client, header.deviceId, `header of order ${orderId}`);
    if (this.kitchenWrote(item.id.client)) throw new WriteRuleViolation('write_rule', 'a kitchen display cannot create orders');
    this.checkStaff(header.staffId, `header of order ${orderId}`);
  }

  private checkEvents(item: Y.Item, place: Place, orderId: string, offset: number): void {
    if (!(item.content instanceof Y.ContentAny)) throw new WriteRuleViolation('write_rule', `events must be plain values (order ${orderId})`);
    if (place.key !== null) throw new WriteRuleViolation('write_rule', `events is an array, not a map (order ${orderId})`);
    for (const raw of item.content.arr.slice(offset)) {
      const parsed = orderEventSchema.safeParse(raw);
      if (!parsed.success) throw new WriteRuleViolation('write_rule', `invalid event: ${formatZodError(parsed.error, 'event')} (order ${orderId})`);
      const event = parsed.data;
      this.attribute(item.id.client, event.deviceId, `${event.kind} event of order ${orderId}`);
      if (this.kitchenWrote(item.id.client) && !KITCHEN_EVENTS.has(event.kind)) {
        throw new WriteRuleViolation('write_rule', `a kitchen display may only bump or recall, not write a ${event.kind} event (order ${orderId})`);
      }
      this.checkStaff(event.staffId, `${event.kind} event of order ${orderId}`);
    }
  }

  private checkDrawer(item: Y.Item, place: Place, offset: number): void {
    if (!(item.content instanceof Y.ContentAny)) throw new WriteRuleViolation('write_rule', 'drawer events must be plain values');
    if (place.key !== null) throw new WriteRuleViolation('write_rule', 'drawer is an array, not a map');
    for (const raw of item.content.arr.slice(offset)) {
      const parsed = drawerEventSchema.safeParse(raw);
      if (!parsed.success) throw new WriteRuleViolation('write_rule', `invalid drawer event: ${formatZodError(parsed.error, 'drawer')}`);
      const event = parsed.data;
      this.attribute(item.id.client, event.deviceId, `${event.kind} drawer event ${event.id}`);
      if (this.kitchenWrote(item.id.client)) throw new WriteRuleViolation('write_rule', 'a kitchen display cannot open the cash drawer');
      this.checkStaff(event.staffId, `${event.kind} drawer event ${event.id}`);
      this.checkStaff(event.approvedBy, `approver of ${event.kind} drawer event ${event.id}`);
    }
  }

  private checkDeviceSeq(item: Y.Item, place: Place): void {
    const key = place.key;
    const value = singleValue(item);
    if (key === null || typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new WriteRuleViolation('write_rule', 'deviceSeq maps a device id to a positive whole number');
    }
    this.attribute(item.id.client, key, 'deviceSeq entry');
    if (this.kitchenWrote(item.id.client)) throw new WriteRuleViolation('write_rule', 'a kitchen display has no order sequence');
    const slot = `${DAY.deviceSeq}|${key}`;
    if (this.setKeys.has(slot)) throw new WriteRuleViolation('write_rule', `deviceSeq ${key} is set twice in one update`);
    this.setKeys.add(slot);
    this.seqKeys.add(key);
  }

  // ------------------------------------------------------------------ attribution

  /**
   * The sender is a kitchen display and this client id is its own. (Catch-up may relay what a
   * terminal wrote; the role rules apply to the writer, not to the device that relays it.)
   */
  private kitchenWrote(client: number): boolean {
    if (this.ctx.senderRole !== 'kitchen' || this.ctx.trusted) return false;
    return (this.ctx.ownerOf(client) ?? this.attributed.get(client)) === this.ctx.senderDeviceId;
  }

  /** Content of one client id must name one device: its owner, else (live) the sender. */
  private attribute(client: number, named: string, what: string): void {
    if (this.ctx.trusted) return;
    const owner = this.ctx.ownerOf(client);
    const expected = owner ?? this.attributed.get(client) ?? (this.ctx.live ? this.ctx.senderDeviceId : undefined);
    if (expected === undefined || expected === null) {
      // Catch-up with a client id nobody owns yet: content another device wrote and this one
      // relays (e.g. broadcast before a relay crash lost it). Only a device of this outlet.
      if (named !== this.ctx.senderDeviceId && this.ctx.deviceIds && !this.ctx.deviceIds.has(named)) {
        throw new WriteRuleViolation('write_rule', `names device ${named}, which is not a device of this outlet (${what})`);
      }
      this.attributed.set(client, named);
      return;
    }
    if (named !== expected) throw new WriteRuleViolation('write_rule', `names device ${named} but was written by device ${expected} (${what})`);
    if (!this.attributed.has(client)) this.attributed.set(client, expected);
  }

  private checkStaff(staffId: string | undefined, what: string): void {
    if (staffId === undefined || !this.ctx.staffIds || this.ctx.trusted) return;
    if (!this.ctx.staffIds.has(staffId)) throw new WriteRuleViolation('write_rule', `names staff ${staffId}, who is not staff of this outlet (${what})`);
  }

  // ------------------------------------------------------------------ structure

  /** A map key may be set once ever: not if the document has (or had) it, not twice here. */
  private onceInMap(place: Place, message: string): void {
    const slot = `${'root' in place.parent ? place.parent.root : idKey(place.parent.item)}|${place.key}`;
    if (this.setKeys.has(slot)) throw new WriteRuleViolation('write_rule', message);
    this.setKeys.add(slot);
    const map = this.docMapOf(place.parent);
    if (map && place.key !== null && map._map.has(place.key)) throw new WriteRuleViolation('write_rule', message);
  }

  /** The Y.Map of the document that `parent` denotes, if the document has it. */
  private docMapOf(parent: Parent): Y.Map<unknown> | undefined {
    if ('root' in parent) {
      const type = this.doc.share.get(parent.root);
      // A root the relay never read as a map is still an AbstractType with its entries in `_map`.
      return type as Y.Map<unknown> | undefined;
    }
    const holder = this.findItem(parent.item);
    if (!holder || typeof holder === 'number' || !this.inDoc(holder)) return undefined;
    const content = holder.content;
    return content instanceof Y.ContentType ? (content.type as Y.Map<unknown>) : undefined;
  }

  private containerOf(id: Y.ID): Container {
    const holder = this.findItem(id);
    if (typeof holder === 'number') throw new WriteRuleViolation('write_rule', `writes into ${id.client}:${id.clock}, which was deleted`);
    if (!holder) throw new WriteRuleViolation('missing_dependency', `writes into ${id.client}:${id.clock}, which this document does not hold`);
    const place = this.placeOf(holder);
    if ('root' in place.parent) return place.parent.root === DAY.orders && place.key !== null ? { kind: 'order', orderId: place.key } : { kind: 'other' };
    const outer = this.containerOf(place.parent.item);
    return outer.kind === 'order' && place.key === ORDER.events ? { kind: 'events', orderId: outer.orderId } : { kind: 'other' };
  }

  /**
   * The parent and key of an item. An encoded item names its parent only when it has no
   * neighbours; otherwise it sits where its origin (left, else right neighbour) sits.
   */
  private placeOf(item: Y.Item, depth = 0): Place {
    if (this.inDoc(item)) {
      const parent = item.parent as Y.AbstractType<Y.YEvent<Y.AbstractType<unknown>>> | null;
      if (!parent) throw new WriteRuleViolation('missing_dependency', `item ${idKey(item.id)} has no parent`);
      const root = parent._item === null ? this.rootNames.get(parent) : undefined;
      return { parent: root !== undefined ? { root } : { item: parent._item!.id }, key: item.parentSub };
    }
    if (typeof item.parent === 'string') return { parent: { root: item.parent }, key: item.parentSub };
    if (item.parent !== null) return { parent: { item: item.parent as unknown as Y.ID }, key: item.parentSub };
    const neighbour = item.origin ?? item.rightOrigin;
    if (!neighbour || depth > 10_000) throw new WriteRuleViolation('missing_dependency', `item ${idKey(item.id)} has no parent`);
    const found = this.findItem(neighbour);
    if (typeof found === 'number') throw new WriteRuleViolation('write_rule', `item ${idKey(item.id)} is placed next to deleted content`);
    if (!found)
      throw new WriteRuleViolation('missing_dependency', `item ${idKey(item.id)} is placed next to ${idKey(neighbour)}, which this document does not hold`);
    return this.placeOf(found, depth + 1);
  }

  /**
   * The item containing `id`: the document's, else this update's. Collected (GC) content has
   * no item: then the end clock of the collected range.
   */
  private findItem(id: Y.ID): Y.Item | number | undefined {
    const structs = this.doc.store.clients.get(id.client);
    if (structs && id.clock < Y.getState(this.doc.store, id.client)) {
      const struct = structs[Y.findIndexSS(structs, id.clock)];
      return struct instanceof Y.Item ? struct : struct.id.clock + struct.length;
    }
    for (const item of this.incoming.get(id.client) ?? []) {
      if (item.id.clock <= id.clock && id.clock < item.id.clock + item.length) return item;
    }
    for (const [start, end] of this.incomingGc.get(id.client) ?? []) if (start <= id.clock && id.clock < end) return end;
    return undefined;
  }

  /** Integrated into the document (vs. decoded from the update). */
  private inDoc(item: Y.Item): boolean {
    return !this.incomingItems.has(item);
  }

  private describe(place: Place): string {
    if ('root' in place.parent) return `${place.parent.root}${place.key !== null ? `.${place.key}` : ''}`;
    const container = this.containerOf(place.parent.item);
    const where = container.kind === 'other' ? 'a nested value' : `order ${container.orderId}${container.kind === 'events' ? ' events' : ''}`;
    return `${where}${place.key !== null ? `.${place.key}` : ''}`;
  }
}

function singleValue(item: Y.Item): unknown {
  return item.content instanceof Y.ContentAny && item.content.arr.length === 1 ? item.content.arr[0] : undefined;
}

export interface DayWindowOptions {
  /** Business days before yesterday that long-offline devices may still write (0: yesterday and today only). */
  graceDays: number;
  /** How far a device's clock may run ahead (ms) before its "today" counts as the future. */
  clockSkewMs: number;
}

/**
 * The business days a device may write at `nowMs`: from `graceDays` days before yesterday up
 * to today (today as seen by a clock `clockSkewMs` fast, so a device slightly ahead near the
 * day start is not refused). Never a later day.
 */
export function writableDays(nowMs: number, settings: BusinessDaySettings, options: DayWindowOptions): { earliest: string; latest: string } {
  const latest = businessDayOf(nowMs + options.clockSkewMs, settings);
  return { earliest: shiftDay(businessDayOf(nowMs, settings), -1 - options.graceDays), latest };
}

/** True when `day` (`YYYY-MM-DD`) is within the window (ISO dates compare as strings). */
export function isWritableDay(day: string, window: { earliest: string; latest: string }): boolean {
  return day >= window.earliest && day <= window.latest;
}
