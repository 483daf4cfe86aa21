/**
 * Payment arithmetic for the cashier, in integer minor units: quick cash amounts, what is
 * still due, and the change to give back.
 */
export interface Tender {
  method: 'cash' | 'card' | 'qris' | 'other';
  /** Applied to the bill. */
  amount: number;
  /** Cash handed over (≥ amount); the difference is change. */
  tendered?: number;
}

/**
 * Quick cash buttons: the exact amount, then the next round amounts a customer is likely to
 * hand over (IDR notes by default: 1k … 100k), at most `count`, ascending, no duplicates.
 */
export function quickCashAmounts(due: number, notes: number[] = [1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000], count = 4): number[] {
  if (due <= 0) return [];
  const amounts = new Set<number>([due]);
  for (const note of notes) {
    const rounded = Math.ceil(due / note) * note;
    if (rounded > due) amounts.add(rounded);
  }
  return [...amounts].sort((a, b) => a - b).slice(0, count);
}

export function paidSoFar(tenders: Tender[]): number {
  return tenders.reduce((sum, t) => sum + t.amount, 0);
}

export function balanceDue(total: number, tenders: Tender[]): number {
  return Math.max(0, total - paidSoFar(tenders));
}

export function changeDue(tenders: Tender[]): number {
  return tenders.reduce((sum, t) => sum + (t.method === 'cash' && t.tendered !== undefined ? Math.max(0, t.tendered - t.amount) : 0), 0);
}

/**
 * A tender the cashier entered: cash may exceed the balance (the excess is change), other
 * methods are capped at the balance (a card is charged exactly).
 */
export function makeTender(method: Tender['method'], entered: number, due: number): Tender | null {
  if (!Number.isInteger(entered) || entered <= 0 || due <= 0) return null;
  if (method === 'cash') return { method, amount: Math.min(entered, due), tendered: entered };
  return { method, amount: Math.min(entered, due) };
}
