/**
 * zod schemas for every value stored in the outlet and day documents or sent over a
 * boundary. The inferred types are the ones the rest of the code uses; a value that
 * fails is refused with a message naming the field (see `formatZodError`).
 */
import { z } from 'zod';
import type { BusinessDay, DeviceId, LineId, Minor, OrderId, StaffId } from './ids';
import { DEVICE_KINDS } from './roles';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'must be letters, digits, _ . : -');
export const minor = z
  .number()
  .int('must be an integer number of minor units')
  .transform((n) => n as Minor);
export const nonNegativeMinor = minor.refine((n) => n >= 0, 'must not be negative');
export const businessDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .transform((s) => s as BusinessDay);
/** Basis points: 1100 = 11 %. Rates are integers so rounding happens in one place only. */
export const basisPoints = z.number().int().min(0).max(100_000);
export const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

// ---------- outlet document ----------

export const taxSchema = z.object({
  id,
  name: z.string().min(1),
  rateBp: basisPoints,
  /** inclusive: the price already contains the tax; exclusive: added on top. */
  inclusive: z.boolean(),
});
export type Tax = z.infer<typeof taxSchema>;

export const serviceChargeSchema = z.object({
  rateBp: basisPoints,
  /** When true, exclusive taxes are computed on (net + service charge), as in Indonesia. */
  taxable: z.boolean(),
});
export type ServiceCharge = z.infer<typeof serviceChargeSchema>;

export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code');

export const outletSettingsSchema = z.object({
  name: z.string().min(1),
  currency: currencySchema,
  locale: z.string().min(2),
  timeZone: z.string().min(1),
  businessDayStart: hhmm,
  taxes: z.array(taxSchema),
  serviceCharge: serviceChargeSchema.nullable(),
  /** Manual discounts above this many basis points need a manager's approval. */
  manualDiscountLimitBp: basisPoints.default(1000),
  /** Kitchen age-timer thresholds in seconds (warn, late). */
  kitchenWarnSeconds: z.number().int().positive().default(300),
  kitchenLateSeconds: z.number().int().positive().default(600),
});
export type OutletSettings = z.infer<typeof outletSettingsSchema>;

export const categorySchema = z.object({ id, name: z.string().min(1), sort: z.number().int().default(0) });
export type Category = z.infer<typeof categorySchema>;

export const modifierOptionSchema = z.object({ id, name: z.string().min(1), priceDelta: minor });
export type ModifierOption = z.infer<typeof modifierOptionSchema>;

export const modifierGroupSchema = z
  .object({
    id,
    name: z.string().min(1),
    required: z.boolean(),
    min: z.number().int().min(0),
    max: z.number().int().min(1),
    options: z.array(modifierOptionSchema).min(1),
  })
  .refine((g) => g.min <= g.max, { message: 'min must not exceed max', path: ['min'] });
export type ModifierGroup = z.infer<typeof modifierGroupSchema>;

export const itemSchema = z.object({
  id,
  categoryId: id,
  name: z.string().min(1),
  price: nonNegativeMinor,
  /** false = 86'd: shown on the terminal, not orderable. */
  available: z.boolean(),
  /** Kitchen station that prepares it, e.g. 'kitchen' or 'bar'. */
  station: id,
  modifierGroupIds: z.array(id).default([]),
  /** Tax ids that apply; absent = every outlet tax. */
  taxIds: z.array(id).optional(),
  sort: z.number().int().default(0),
});
export type Item = z.infer<typeof itemSchema>;

const promotionScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('order') }),
  z.object({ kind: z.literal('item'), itemIds: z.array(id).min(1) }),
  z.object({ kind: z.literal('category'), categoryIds: z.array(id).min(1) }),
]);
const timeWindow = z.object({
  /** ISO weekdays 1 (Mon) … 7 (Sun) in the outlet's time zone; empty = every day. */
  days: z.array(z.number().int().min(1).max(7)).default([]),
  from: hhmm,
  to: hhmm,
});
export const promotionSchema = z.object({
  id,
  name: z.string().min(1),
  active: z.boolean(),
  scope: promotionScope,
  /** e.g. happy hour; absent = always. Evaluated in the outlet's time zone. */
  window: timeWindow.optional(),
  benefit: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('percent'), rateBp: basisPoints }),
    z.object({ kind: z.literal('amount'), amount: nonNegativeMinor }),
    /** Buy `buy`, get `get` of the same scope free (cheapest units free). */
    z.object({ kind: z.literal('buy_x_get_y'), buy: z.number().int().min(1), get: z.number().int().min(1) }),
  ]),
});
export type Promotion = z.infer<typeof promotionSchema>;

export const deviceKindSchema = z.enum(DEVICE_KINDS);
export const deviceSchema = z.object({
  id,
  name: z.string().min(1),
  kind: deviceKindSchema,
  /** Short code used in provisional references, e.g. 'B' → B-017. Unique per outlet. */
  code: z.string().regex(/^[A-Z0-9]{1,3}$/, 'must be 1–3 capital letters or digits'),
  /** Kitchen displays: the stations they show. */
  stations: z.array(id).default([]),
});
export type Device = z.infer<typeof deviceSchema>;

// ---------- day document ----------

export const orderTypeSchema = z.enum(['dine_in', 'takeaway', 'delivery']);
export type OrderType = z.infer<typeof orderTypeSchema>;

export const paymentMethodSchema = z.enum(['cash', 'card', 'qris', 'other']);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

/** Kitchen status, ordered by rank: a station only moves forward unless recalled. */
export const KITCHEN_STATUSES = ['new', 'preparing', 'ready', 'served'] as const;
export const kitchenStatusSchema = z.enum(KITCHEN_STATUSES);
export type KitchenStatus = z.infer<typeof kitchenStatusSchema>;

export const orderLineModifierSchema = z.object({
  groupId: id,
  optionId: id,
  name: z.string(),
  priceDelta: minor,
});
export const orderLineSchema = z.object({
  id: id.transform((s) => s as LineId),
  itemId: id,
  name: z.string(),
  categoryId: id,
  station: id,
  qty: z.number().int().positive(),
  unitPrice: minor,
  modifiers: z.array(orderLineModifierSchema),
  note: z.string().max(500).optional(),
  /** qty × (unitPrice + Σ modifier deltas), before discounts. */
  gross: minor,
  /** Share of promotion and manual discounts attributed to this line. */
  discount: minor,
});
export type OrderLine = z.infer<typeof orderLineSchema>;

export const taxAmountSchema = z.object({ taxId: id, name: z.string(), rateBp: basisPoints, inclusive: z.boolean(), amount: minor });
export const orderTotalsSchema = z.object({
  currency: currencySchema,
  /** Σ line gross. */
  subtotal: minor,
  /** Σ discounts (promotions + manual), positive number. */
  discount: minor,
  serviceCharge: minor,
  /** Σ taxes (inclusive and exclusive). */
  tax: minor,
  taxes: z.array(taxAmountSchema),
  /** What the customer pays: subtotal − discount + service charge + exclusive taxes, rounded. */
  total: minor,
  /** Rounding adjustment applied to reach `total` (positive or negative). */
  rounding: minor,
  promotionIds: z.array(id),
});
export type OrderTotals = z.infer<typeof orderTotalsSchema>;

/** Fixed at submission, never changed afterwards. Stored as one value under `header`. */
/**
 * The proof behind an `approvedBy` (issue 13): the approver's Ed25519 signature over the
 * canonical claim (`approvalMessage` in domain/staff-keys.ts). Optional in the schema so
 * documents from before stay readable; the projector flags a missing or bad one.
 */
export const approvalSchema = z.object({ by: id, sig: z.string().min(1).max(128) });
export type ApprovalProof = z.infer<typeof approvalSchema>;

export const orderHeaderSchema = z.object({
  v: z.literal(1),
  id: id.transform((s) => s as OrderId),
  businessDay,
  deviceId: id.transform((s) => s as DeviceId),
  staffId: id.transform((s) => s as StaffId).optional(),
  /** Device clock, epoch milliseconds. */
  createdAt: z.number().int(),
  type: orderTypeSchema,
  table: z.string().max(32).optional(),
  note: z.string().max(500).optional(),
  /** Device code + the device's own sequence for the day, e.g. `B-017`. */
  provisionalRef: z.string(),
  deviceSeq: z.number().int().positive(),
  lines: z.array(orderLineSchema).min(1),
  totals: orderTotalsSchema,
  manualDiscount: z
    .object({
      rateBp: basisPoints.optional(),
      amount: nonNegativeMinor.optional(),
      approvedBy: id.optional(),
      reason: z.string().optional(),
      approval: approvalSchema.optional(),
    })
    .optional(),
  /** Menu version (shared/src/domain/pricing-inputs.ts) the register priced the order with. */
  menuVersion: z.string().max(64).optional(),
});
export type OrderHeader = z.infer<typeof orderHeaderSchema>;

const eventBase = {
  /** UUIDv7 of the event: duplicates (same id) are folded once. */
  id,
  at: z.number().int(),
  deviceId: id,
  staffId: id.optional(),
};
export const orderEventSchema = z.discriminatedUnion('kind', [
  z.object({
    ...eventBase,
    kind: z.literal('payment'),
    method: paymentMethodSchema,
    amount: nonNegativeMinor,
    tendered: nonNegativeMinor.optional(),
    reference: z.string().optional(),
  }),
  /** Bump: a station (or one line of it) moves to `status`. Ignored if not forward by rank. */
  z.object({ ...eventBase, kind: z.literal('station'), station: id, status: kitchenStatusSchema, lineId: id.optional() }),
  /** Recall: the only event that may move a station back, to `status`. */
  z.object({ ...eventBase, kind: z.literal('recall'), station: id, status: kitchenStatusSchema, lineId: id.optional() }),
  z.object({
    ...eventBase,
    kind: z.literal('void_line'),
    lineId: id,
    qty: z.number().int().positive(),
    reason: z.string().min(1),
    approvedBy: id,
    approval: approvalSchema.optional(),
  }),
  z.object({
    ...eventBase,
    kind: z.literal('refund'),
    amount: nonNegativeMinor,
    method: paymentMethodSchema,
    reason: z.string().min(1),
    approvedBy: id,
    approval: approvalSchema.optional(),
  }),
  z.object({ ...eventBase, kind: z.literal('cancel'), reason: z.string().min(1), approvedBy: id.optional(), approval: approvalSchema.optional() }),
]);
export type OrderEvent = z.infer<typeof orderEventSchema>;
export type OrderEventKind = OrderEvent['kind'];

/**
 * The cash drawer opened outside a sale ("no sale"), approved by a manager who signs it
 * (`drawerApprovalClaim`). Appended to the day document's `drawer` array, append-only like
 * order events; the cash-drawer report lists it. The signature is required: there is no
 * document from before it to stay readable.
 */
export const drawerEventSchema = z.object({ ...eventBase, kind: z.literal('drawer_open'), approvedBy: id, approval: approvalSchema });
export type DrawerEvent = z.infer<typeof drawerEventSchema>;

/** Input of `submitOrder`. */
export const submitOrderInputSchema = z.object({
  deviceId: id,
  staffId: id.optional(),
  type: orderTypeSchema,
  table: z.string().max(32).optional(),
  note: z.string().max(500).optional(),
  lines: z
    .array(
      z.object({
        itemId: id,
        qty: z.number().int().positive('must be a positive whole number'),
        modifiers: z.array(z.object({ groupId: id, optionId: id })).optional(),
        note: z.string().max(500).optional(),
      }),
    )
    .min(1, 'an order needs at least one line'),
  payments: z.array(z.object({ method: paymentMethodSchema, amount: nonNegativeMinor, tendered: nonNegativeMinor.optional() })).optional(),
  manualDiscount: z
    .object({
      rateBp: basisPoints.optional(),
      amount: nonNegativeMinor.optional(),
      approvedBy: id.optional(),
      reason: z.string().optional(),
      approval: approvalSchema.optional(),
    })
    .optional(),
});
export type SubmitOrderInput = z.input<typeof submitOrderInputSchema>;

/** "lines.0.qty: must be a positive whole number" — names the field, for humans and logs. */
export function formatZodError(error: z.ZodError, prefix?: string): string {
  const parts = error.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(value)'}: ${i.message}`);
  return parts.join('; ');
}
