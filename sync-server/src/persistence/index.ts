export * from './load';
export * from './write-batch';
export * from './compaction';
export * from './persist-queue';
