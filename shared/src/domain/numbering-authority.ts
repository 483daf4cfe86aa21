/**
 * Who numbers an outlet's orders (issue 14): exactly one numbering authority per outlet — its
 * paired LAN box, else the cloud — recorded in the outlet document so every projector, box and
 * screen reads the same answer. Pure: the fold over the record, and the rule a projector follows.
 *
 * The record is an append-only array of entries (`numbering` in the outlet document):
 * - `handover` (epoch e): from epoch e on, `authority` numbers; written by the cloud's API when
 *   a box is paired, replaced or retired (audited there). `force` says the previous authority
 *   is gone (a broken box) and will not release.
 * - `release` (epoch e): written by the PREVIOUS authority's projector once it has seen the
 *   hand-over of epoch e and stopped numbering: `lastNumbers` holds the highest number it gave
 *   on each recent business day.
 *
 * The rule (`mayNumber`): a projector numbers an outlet day only while it is the current
 * authority, and a new authority starts only once the previous one released (or the hand-over
 * was forced) and it has itself seen every number the previous one gave that day — so the
 * sequence continues from where the old authority stopped: no duplicate, no gap. Without any
 * entry the cloud numbers. Entries written by a device (not by a server) are ignored by the
 * projector (see `numberingEntriesOf` in the projector).
 */
import { z } from 'zod';

/** `cloud`, or `box:<device id of the box>`. */
export type NumberingAuthority = 'cloud' | `box:${string}`;

export const CLOUD_AUTHORITY: NumberingAuthority = 'cloud';

export function boxAuthority(boxDeviceId: string): NumberingAuthority {
  return `box:${boxDeviceId}`;
}

/** The box device id of an authority, or null for the cloud. */
export function boxOfAuthority(authority: NumberingAuthority): string | null {
  return authority.startsWith('box:') ? authority.slice(4) : null;
}

const authoritySchema = z.custom<NumberingAuthority>((v) => v === 'cloud' || (typeof v === 'string' && /^box:[A-Za-z0-9_-]{1,200}$/.test(v)), {
  message: 'must be "cloud" or "box:<device id>"',
});
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const numberingEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('handover'),
    epoch: z.number().int().min(1),
    authority: authoritySchema,
    from: authoritySchema,
    /** ISO time of the hand-over (server clock). */
    at: z.string(),
    /** Who moved it (`user:<id>`) — the audit log has the rest. */
    by: z.string().min(1),
    reason: z.enum(['box_paired', 'box_replaced', 'box_retired', 'moved']),
    force: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('release'),
    epoch: z.number().int().min(1),
    /** The authority that released (the hand-over's `from`). */
    authority: authoritySchema,
    at: z.string(),
    lastNumbers: z.record(day, z.number().int().min(0)),
  }),
]);
export type NumberingEntry = z.output<typeof numberingEntrySchema>;
export type HandOverEntry = Extract<NumberingEntry, { kind: 'handover' }>;
export type ReleaseEntry = Extract<NumberingEntry, { kind: 'release' }>;

export interface NumberingState {
  /** Highest hand-over epoch (0: never handed over, the cloud numbers). */
  epoch: number;
  authority: NumberingAuthority;
  /** The authority before this epoch (null at epoch 0). */
  from: NumberingAuthority | null;
  /** The previous authority released (or the hand-over was forced, or there is none). */
  released: boolean;
  /** Highest number the previous authority gave per business day (from its release). */
  lastNumbers: Readonly<Record<string, number>>;
  handover: HandOverEntry | null;
}

/** Folds the entries (any order, duplicates and unreadable ones tolerated). */
export function numberingState(raw: readonly unknown[]): NumberingState {
  const handovers = new Map<number, HandOverEntry>();
  const releases = new Map<number, ReleaseEntry>();
  for (const value of raw) {
    const parsed = numberingEntrySchema.safeParse(value);
    if (!parsed.success) continue;
    const entry = parsed.data;
    const map = entry.kind === 'handover' ? handovers : releases;
    const existing = map.get(entry.epoch) as NumberingEntry | undefined;
    // Two hand-overs of one epoch (two API servers racing) converge on the same winner everywhere.
    if (!existing || JSON.stringify(entry) < JSON.stringify(existing)) (map as Map<number, NumberingEntry>).set(entry.epoch, entry);
  }
  const epoch = Math.max(0, ...handovers.keys());
  const handover = handovers.get(epoch) ?? null;
  if (!handover) return { epoch: 0, authority: CLOUD_AUTHORITY, from: null, released: true, lastNumbers: {}, handover: null };
  const release = releases.get(epoch);
  const releasedByPrevious = release !== undefined && release.authority === handover.from;
  return {
    epoch,
    authority: handover.authority,
    from: handover.from,
    released: handover.force || handover.from === handover.authority || releasedByPrevious,
    lastNumbers: releasedByPrevious ? release.lastNumbers : {},
    handover,
  };
}

/**
 * May `me` assign numbers for `day` now? `seenMax` is the highest number this projector's own
 * rows already hold for that day (numbers it adopted from the previous authority included).
 */
export function mayNumber(state: NumberingState, me: NumberingAuthority, day: string, seenMax: number): boolean {
  if (state.authority !== me) return false;
  if (!state.released) return false;
  return seenMax >= (state.lastNumbers[day] ?? 0);
}

/** Must `me` write the release of the current hand-over (it was the authority and has not released yet)? */
export function mustRelease(state: NumberingState, me: NumberingAuthority): boolean {
  return state.handover !== null && state.from === me && state.authority !== me && !state.released;
}

/** The hand-over entry that moves the authority to `to` (the caller appends it; `epoch` is the next one). */
export function handOverTo(
  state: NumberingState,
  input: { to: NumberingAuthority; at: string; by: string; reason: HandOverEntry['reason']; force?: boolean },
): HandOverEntry {
  return {
    kind: 'handover',
    epoch: state.epoch + 1,
    authority: input.to,
    from: state.authority,
    at: input.at,
    by: input.by,
    reason: input.reason,
    force: input.force ?? false,
  };
}
