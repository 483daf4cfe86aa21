/**
 * Standard base64 (RFC 4648 §4, with padding) over bytes, the same in browsers and Node 20
 * (`btoa`/`atob` are globals in both). Keys, salts, signatures and sealed envelopes travel as
 * base64 strings inside Yjs documents and JSON.
 */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Throws on text that is not base64 (`atob` raises `InvalidCharacterError`). */
export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
