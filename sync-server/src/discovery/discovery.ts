/**
 * LAN discovery for the box (issue 14): one mDNS socket that announces this box and/or
 * browses for the others. `startSyncServer({ discovery })` starts it once the port is known.
 *
 * ```ts
 * const d = await startDiscovery({ announce: { name: 'kasir-depan', port: 8443, caFingerprint }, browse: true });
 * d.boxes(); // [{ name: 'dapur', url: 'https://192.0.2.8:8443/' }]
 * await d.close();
 * ```
 */
import { Bonjour } from 'bonjour-service';
import type { EventEmitter } from 'node:events';
import { announceBox, type Announcer } from './announce';
import type { BoxAnnouncement, FoundBox } from './box-record';
import { browseBoxes, type BoxBrowser, type BrowseOptions } from './browse';

export interface DiscoverySocketOptions {
  /**
   * IPv4 address of the one interface to announce and listen on (`127.0.0.1` in tests);
   * default every interface, multicast sent the system's default way.
   */
  interface?: string;
  /** UDP port; default 5353 (mDNS). Tests pick another so parallel runs do not hear each other. */
  port?: number;
}

export interface DiscoveryOptions extends DiscoverySocketOptions {
  /** Announce this box; absent = listen only. */
  announce?: BoxAnnouncement & { port: number };
  /** Keep a list of the other boxes; false = announce only. */
  browse?: boolean | Omit<BrowseOptions, 'ownName' | 'log'>;
  log?: (message: string) => void;
}

export interface Discovery {
  /** Other boxes heard lately (empty when not browsing). */
  boxes(): FoundBox[];
  close(): Promise<void>;
}

export function startDiscovery(options: DiscoveryOptions): Discovery {
  const log = options.log ?? ((m: string) => console.error(`kiosk discovery: ${m}`));
  const bonjour = new Bonjour(
    {
      interface: options.interface,
      port: options.port,
      // multicast-dns binds to `interface` when given, and a socket bound to a unicast address
      // never receives datagrams sent to the multicast group: bind the wildcard, join on the one
      // interface (and send on it only).
      bind: '0.0.0.0',
      loopback: true,
    } as unknown as ConstructorParameters<typeof Bonjour>[0],
    (error: unknown) => log(`mDNS error: ${error instanceof Error ? error.message : String(error)}`),
  );
  // multicast-dns emits 'error' (EADDRINUSE, EACCES) on its own emitter, which bonjour-service
  // does not listen to; unheard, it would throw and take the relay down with it.
  const mdns = (bonjour as unknown as { server?: { mdns?: EventEmitter } }).server?.mdns;
  mdns?.on('error', (error: Error) => log(`mDNS socket: ${error.message}`));
  mdns?.on('warning', (error: Error) => log(`mDNS warning: ${error.message}`));

  let announcer: Announcer | null = null;
  let browser: BoxBrowser | null = null;
  try {
    if (options.announce) announcer = announceBox(bonjour, options.announce);
    if (options.browse) {
      browser = browseBoxes(bonjour, { ...(typeof options.browse === 'object' ? options.browse : {}), ownName: announcer?.instanceName, log });
    }
  } catch (error) {
    bonjour.destroy();
    throw error;
  }

  let closed: Promise<void> | null = null;
  return {
    boxes: () => browser?.list() ?? [],
    close() {
      closed ??= (async () => {
        browser?.stop();
        await announcer?.stop();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          bonjour.destroy(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      })();
      return closed;
    },
  };
}
