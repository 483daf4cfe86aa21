/** The readable table printed at the end of `npm run bench` (and pasted into BENCH.md). */
import type { Measurement } from './lib';

const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(x));

export function table(rows: readonly Measurement[]): string {
  const header = ['bench', 'measurement', 'ours', 'peer', 'ratio ours/peer', 'target'];
  const lines = rows.map((m) => [
    m.bench,
    m.metric,
    `${fmt(m.value)} ${m.unit}`,
    m.peer === undefined ? '' : `${fmt(m.peer)} ${m.unit} (${m.peerName ?? 'peer'})`,
    m.ratio === undefined ? '' : String(m.ratio),
    m.target ?? '',
  ]);
  const all = [header, ...lines];
  return all
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n')
    .replace(/\n/, `\n|${header.map(() => ' --- ').join('|')}|\n`);
}
