export { eventually } from './eventually';
export { SyncHarness, type Replica } from './sync-harness';
export { seededRandom, randomInt } from './prng';
export { putTestOrder, testOrderHeader, testOrderTotal, orderIds, type TestOrder } from './test-orders';
