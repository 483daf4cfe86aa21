/**
 * @kiosk/cli — the composition root: configuration and the `kiosk` commands that put the
 * store, relay, back-office and projector together. `bin/kiosk.js` runs `main.ts`; tests
 * import the pieces from here.
 */
export { seedDemo, loadDocFromLog, isFirstStart } from './seed-demo';
export { boxFileSchema, boxFilePath, cloudUrls, readBoxFile, writeBoxFile, type BoxFile } from './box-file';
export { BoxPairError, ensureOutletRows, pairBox, type PairBoxInput } from './box-pair';
export { boxKid, boxNumberingIdentity, startBox, type RunningBox, type StartBoxOptions } from './box-mode';
export { createBoxPairingCode } from './commands';
