/** Bumped when a document shape or message changes incompatibly. */
export const PROTOCOL_VERSION = 1 as const;
