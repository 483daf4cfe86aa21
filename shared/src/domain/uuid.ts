import { v7 } from 'uuid';

/** Time-ordered UUIDv7: order ids sort by creation time, and never collide across devices. */
export function uuidv7(): string {
  return v7();
}
