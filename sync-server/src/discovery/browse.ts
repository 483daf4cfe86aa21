/**
 * Keeps the list of other Kiosk boxes on the LAN. Each round (`refreshMs`) starts a fresh
 * DNS-SD browser, which sends one PTR query for `_kiosk-pos._tcp.local` and reports every box
 * that answers; a box that stops answering for `maxAgeMs` drops out (`SeenBoxes`), one that
 * says goodbye drops out at once.
 *
 * A fresh browser per round because bonjour-service's Browser reports a service once and never
 * refreshes its `lastSeen` on later answers, so its own `expire()` would drop live boxes.
 */
import type { Bonjour, Browser, Service } from 'bonjour-service';
import { KIOSK_SERVICE, toFoundBox, type FoundBox } from './box-record';
import { SeenBoxes } from './seen-boxes';

export interface BrowseOptions {
  /** Default 10 s. */
  refreshMs?: number;
  /** Default three rounds. */
  maxAgeMs?: number;
  /** Our own instance name: our answers come back on the multicast loopback. */
  ownName?: string;
  now?: () => number;
  log?: (message: string) => void;
}

export interface BoxBrowser {
  /** Other boxes heard lately, by name. */
  list(): FoundBox[];
  stop(): void;
}

export function browseBoxes(bonjour: Bonjour, options: BrowseOptions = {}): BoxBrowser {
  const refreshMs = options.refreshMs ?? 10_000;
  const seen = new SeenBoxes({ maxAgeMs: options.maxAgeMs ?? refreshMs * 3, now: options.now });
  const key = (s: Service) => s.fqdn ?? s.name;
  const record = (s: Service) => {
    if (options.ownName !== undefined && s.name === options.ownName) return;
    const box = toFoundBox(s);
    if (box) seen.seen(key(s), box);
  };
  let browser: Browser | null = null;
  const round = () => {
    browser?.stop();
    browser = bonjour.find({ type: KIOSK_SERVICE.type, protocol: KIOSK_SERVICE.protocol });
    browser.on('up', record);
    browser.on('srv-update', record);
    browser.on('txt-update', record);
    browser.on('down', (s) => seen.gone(key(s)));
  };
  round();
  const timer = setInterval(round, refreshMs);
  timer.unref();
  return {
    list: () => seen.list(),
    stop() {
      clearInterval(timer);
      browser?.stop();
      browser = null;
    },
  };
}
