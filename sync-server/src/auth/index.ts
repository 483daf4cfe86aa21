export * from './tokens';
export * from './roles';
export * from './revocation-cache';
export * from './box-keys';
