import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { analyzeUpdate } from './update-check';

function docWith(fn: (d: Y.Doc) => void, clientID = 1): Y.Doc {
  const d = new Y.Doc();
  d.clientID = clientID;
  fn(d);
  return d;
}

test('new structs are reported per client; known ones are not', () => {
  const server = docWith((d) => d.getMap('m').set('a', 1), 1);
  const client = new Y.Doc();
  client.clientID = 2;
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  expect(analyzeUpdate(server, Y.encodeStateAsUpdate(client), { deletes: true })).toEqual({ newStructClients: [], hasNewDeletes: false });
  client.getMap('m').set('b', 2);
  expect(analyzeUpdate(server, Y.encodeStateAsUpdate(client), { deletes: true }).newStructClients).toEqual([2]);
});

test('a delete of a known item is a change; re-sending a known delete is not', () => {
  const server = docWith((d) => d.getArray('a').insert(0, [1, 2, 3]), 1);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const before = Y.encodeStateVector(client);
  client.getArray('a').delete(1, 1);
  const deletion = Y.encodeStateAsUpdate(client, before);
  expect(analyzeUpdate(server, deletion, { deletes: true })).toEqual({ newStructClients: [], hasNewDeletes: true });
  Y.applyUpdate(server, deletion);
  expect(analyzeUpdate(server, deletion, { deletes: true }).hasNewDeletes).toBe(false);
});

test('malformed updates throw instead of reaching the document', () => {
  const server = new Y.Doc();
  const valid = Y.encodeStateAsUpdate(docWith((d) => d.getMap('m').set('k', 'v'), 7));
  expect(() => analyzeUpdate(server, valid.slice(0, valid.length - 3), { deletes: false })).toThrow();
  expect(() => analyzeUpdate(server, new Uint8Array([255, 255, 255, 255, 255]), { deletes: false })).toThrow();
});
