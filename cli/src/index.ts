/**
 * @kiosk/cli — the composition root: configuration and the `kiosk` commands that put the
 * store, relay, back-office and projector together. `bin/kiosk.js` runs `main.ts`; tests
 * import the pieces from here.
 */
export { seedDemo, loadDocFromLog, isFirstStart } from './seed-demo';
