/**
 * Plain HTTP and TLS on ONE port: the first byte of each connection decides. A TLS connection
 * starts with a handshake record (content type 0x16); an HTTP request starts with a method
 * name (an ASCII letter). Why one port and not two: a café owner types one address into a
 * tablet (`http://till.local:8080/setup` turns into `https://till.local:8080/pos` by redirect),
 * and a firewall or router needs one rule.
 *
 * The inner servers never listen themselves; sockets are handed to them with
 * `emit('connection')` after the first chunk is put back (`unshift`).
 */
import type http from 'node:http';
import net from 'node:net';
import type tls from 'node:tls';

export const TLS_HANDSHAKE = 0x16;

export interface OnePortServer {
  server: net.Server;
  /** Stops listening and destroys every connection (before or after the first byte). */
  close(): Promise<void>;
}

export async function listenOnePort(options: {
  plain: http.Server;
  secure: tls.Server;
  port: number;
  host: string;
  /** A connection that sends nothing for this long is dropped; default 10 s. */
  firstByteTimeoutMs?: number;
}): Promise<OnePortServer> {
  const sockets = new Set<net.Socket>();
  const timeout = options.firstByteTimeoutMs ?? 10_000;
  const server = net.createServer({ pauseOnConnect: false }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const onError = () => socket.destroy();
    socket.on('error', onError);
    socket.setTimeout(timeout, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.setTimeout(0);
      socket.removeListener('error', onError);
      socket.unshift(chunk);
      (chunk[0] === TLS_HANDSHAKE ? options.secure : options.plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The inner servers start their request/headers timeout checks on 'listening' (Node's
  // slow-loris guard); they never listen, so say it for them.
  options.plain.emit('listening');
  options.secure.emit('listening');
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        // Stops the inner servers' timeout checkers started by the 'listening' above (they were never listening, so no error matters).
        options.plain.close(() => {});
        options.secure.close(() => {});
      }),
  };
}
