/**
 * Small line drawings for the `/setup` how-to: which device each section is for, and the
 * certificate → padlock idea. Inline SVG with presentation attributes only (no `style`), so the
 * server's CSP allows them; no external assets, so the page works with the internet down.
 */
const svg = (body: string, w = 96, h = 72) =>
  `<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" fill="none" stroke="#0f172a" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

/** A padlock on a screen: what the device gets once it trusts the box. */
const lock = (y: number) => `<rect x="40" y="${y}" width="16" height="13" rx="2" fill="#16a34a" stroke="#16a34a"/><path d="M43 ${y}v-4a5 5 0 0 1 10 0v4"/>`;

export const FIGURES = {
  /** Tablet in landscape with a camera dot on the short side. */
  android: svg(`<rect x="6" y="10" width="84" height="54" rx="8"/><circle cx="84" cy="37" r="1.5" fill="#0f172a"/>${lock(34)}`),
  /** iPad: thin even bezel, camera dot on top. */
  ipad: svg(`<rect x="14" y="4" width="68" height="64" rx="8"/><circle cx="48" cy="9" r="1.5" fill="#0f172a"/>${lock(34)}`),
  /** Laptop: screen and base. */
  windows: svg(`<rect x="14" y="8" width="68" height="46" rx="4"/><path d="M4 62h88l-6-8H10z"/>${lock(30)}`),
  /** A certificate sheet with a seal: the file that is downloaded. */
  certificate: svg(
    '<rect x="14" y="6" width="56" height="60" rx="4"/><path d="M24 20h36M24 30h36M24 40h20"/><circle cx="62" cy="50" r="9" fill="#f59e0b" stroke="#b45309"/><path d="M57 58l-3 10 8-4 8 4-3-10" stroke="#b45309"/>',
  ),
} as const;
