/**
 * Announces this box on the LAN as `_kiosk-pos._tcp` (DNS-SD over mDNS, RFC 6762/6763), so a
 * tablet's `/setup` page on another box can list it. The TXT record comes from
 * `encodeBoxTxt` (name, short CA fingerprint, setup path): nothing secret goes on the wire.
 */
import type { Bonjour, Service } from 'bonjour-service';
import { encodeBoxTxt, KIOSK_SERVICE, type BoxAnnouncement } from './box-record';

export interface Announcer {
  /** DNS-SD instance name, so the browser can skip our own answers. */
  readonly instanceName: string;
  /** Sends goodbye records (TTL 0) so others drop us at once; bounded by `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Publishes the box on `bonjour`'s socket; `port` is the box's HTTPS port (one port serves both). */
export function announceBox(bonjour: Bonjour, box: BoxAnnouncement & { port: number }): Announcer {
  const txt = encodeBoxTxt(box);
  // Probing (RFC 6762 §8.1) makes a second box with the same name back off instead of
  // answering for the first; bonjour-service then logs the clash and stays silent.
  const service: Service = bonjour.publish({ name: txt.name, type: KIOSK_SERVICE.type, protocol: KIOSK_SERVICE.protocol, port: box.port, txt });
  return {
    instanceName: txt.name,
    stop: (timeoutMs = 1_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        service.stop?.(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
