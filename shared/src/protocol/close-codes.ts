/**
 * WebSocket close codes the relay uses, so a client can tell "fix your token" from
 * "retry later". 4xxx mirror HTTP statuses; 1013 is the standard "try again later".
 */
export const CloseCode = {
  badRequest: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  tooLarge: 4413,
  rateLimited: 4429,
  tryAgain: 1013,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** What a client should do after a close with this code. */
export function closeAction(code: number): 'reauthenticate' | 'give-up' | 'retry' {
  switch (code) {
    case CloseCode.unauthorized:
      return 'reauthenticate';
    case CloseCode.forbidden:
    case CloseCode.badRequest:
    case CloseCode.notFound:
    case CloseCode.tooLarge:
      return 'give-up';
    default:
      return 'retry';
  }
}
