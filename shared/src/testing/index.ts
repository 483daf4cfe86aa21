export { eventually } from './eventually';
export { SyncHarness, seededRandom, type Replica } from './sync-harness';
