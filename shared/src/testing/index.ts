export { eventually } from './eventually';
export { SyncHarness, type Replica } from './sync-harness';
export { seededRandom, randomInt } from './prng';
