/**
 * `kiosk rebuild`: re-project the whole update log into the shadow tables and swap them in
 * (see projector/src/maintenance/rebuild.ts). Exit 0 when swapped; 1 when the rebuild refused
 * (the orders the database refuses are listed, and the live tables are unchanged); 2 when it
 * could not run (a projector is running, another rebuild holds the lock).
 */
import { rebuild, RebuildError } from '@kiosk/projector';
import type { KioskDatabase } from '@kiosk/store';

export interface RebuildCommandOutput {
  progress: (text: string) => void;
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultOutput: RebuildCommandOutput = {
  progress: (text) => process.stderr.write(text),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.min(width, Math.round((done / total) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export async function runRebuild(store: KioskDatabase, output: RebuildCommandOutput = defaultOutput, trustedWriters: readonly string[] = []): Promise<number> {
  try {
    const result = await rebuild({
      store,
      trustedWriters,
      onProgress: ({ done, total, rate }) => output.progress(`\r${progressBar(done, total)} ${done}/${total} updates, ${Math.round(rate)}/s   `),
    });
    output.progress('\n');
    output.out(
      `rebuilt: ${result.orders} orders from ${result.updates} updates in ${result.seconds.toFixed(1)} s (swap ${result.swapMs.toFixed(0)} ms), ` +
        `${result.numbersAssigned} new numbers, ${result.errors} errors recorded`,
    );
    if (result.keptDeleted > 0) output.out(`kept ${result.keptDeleted} order(s) no longer in their document, flagged deleted_from_document`);
    if (result.keptUnreadable > 0) output.out(`kept ${result.keptUnreadable} order(s) that could not be projected again, flagged not_projected_by_rebuild`);
    return 0;
  } catch (error) {
    output.progress('\n');
    if (error instanceof RebuildError) {
      output.err(error.message);
      output.err('fix or remove the cause, then run `kiosk rebuild` again; `kiosk verify` compares the live rows with the documents');
      return 1;
    }
    output.err(`kiosk rebuild: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}
