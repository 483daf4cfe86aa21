/**
 * A refusal: the relay closes the connection with the reason's close code (from the shared
 * `REFUSAL_CODE` table, the one pairing of reason and code) and counts the reason in
 * `kiosk_relay_refused_total`. The close frame carries `"<reason>: <message>"`, so the client
 * can translate the reason while logs keep the detail (hocuspocus `CloseEvents.ts`).
 *
 * ```ts
 * throw new Refusal('read_only', `read-only: role kitchen cannot write demo/main`); // closes 4403
 * ```
 */
import { closeReasonText, REFUSAL_CODE, type CloseCode, type RefusalReason } from '@kiosk/shared';

export class Refusal extends Error {
  readonly code: CloseCode;

  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.code = REFUSAL_CODE[reason];
  }

  /** The close frame's reason: the stable token first, within the 123-byte limit. */
  get closeText(): string {
    return closeReasonText(this.reason, this.message);
  }
}
