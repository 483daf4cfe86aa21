export * from './connect';
export * from './migrate';
export * from './update-log';
export type { Database } from './schema';
