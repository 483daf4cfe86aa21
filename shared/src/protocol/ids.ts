/**
 * Branded ids and money. A `Minor` is an integer count of the currency's minor unit
 * (IDR: rupiah, USD: cents); brands keep an OrderId from being passed as a DeviceId.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type TenantId = Brand<string, 'TenantId'>;
export type OutletId = Brand<string, 'OutletId'>;
export type DeviceId = Brand<string, 'DeviceId'>;
export type StaffId = Brand<string, 'StaffId'>;
export type OrderId = Brand<string, 'OrderId'>;
export type LineId = Brand<string, 'LineId'>;
/** Integer minor units of the outlet's currency. Never a float. */
export type Minor = Brand<number, 'Minor'>;
/** `YYYY-MM-DD`, the outlet's business day (not a UTC date). */
export type BusinessDay = Brand<string, 'BusinessDay'>;
