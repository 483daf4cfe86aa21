export * from './tokens';
export * from './roles';
export * from './revocation-cache';
