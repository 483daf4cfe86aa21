/**
 * For Node tests only: `ws` with the browser's behaviour of silently dropping a send on a
 * closing socket (the `ws` package throws, which y-websocket does not expect when a reply to a
 * message races a local close).
 */
import WebSocket from 'ws';

export class BrowserLikeWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    const send = this.send.bind(this) as (...a: unknown[]) => void;
    this.send = ((...a: unknown[]) => {
      if (this.readyState === WebSocket.CLOSING || this.readyState === WebSocket.CLOSED) return;
      send(...a);
    }) as WebSocket['send'];
  }
}

export const TestWebSocket = BrowserLikeWebSocket as unknown as typeof globalThis.WebSocket;

/** localStorage for Node tests. */
export class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}
