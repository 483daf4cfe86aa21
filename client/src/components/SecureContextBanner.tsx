/**
 * What a page on an insecure origin shows (issue 14): one banner at the top of every screen
 * (mounted by the root route), and a notice on the PIN pads in place of a sign-in that could
 * only fail. Never silent: the browser withholds the service worker and WebCrypto there, so
 * offline start and PIN sign-in would just not work.
 */
import { useState } from 'react';
import { useT } from '../i18n';
import { currentSecureContextProblem, type SecureContextProblem } from '../secure-context';

const LINK = 'inline-flex min-h-11 items-center break-all font-semibold underline';

function SecureLinks({ problem }: { problem: SecureContextProblem }) {
  const t = useT();
  if (problem.kind !== 'insecure-origin') return null;
  return (
    <>
      {problem.httpsUrl ? (
        <a className={LINK} href={problem.httpsUrl}>
          {problem.httpsUrl}
        </a>
      ) : (
        <p>{t('insecureNoHttps')}</p>
      )}
      {problem.setupUrl && (
        <>
          <p>{t('insecureTrust')}</p>
          <a className={LINK} href={problem.setupUrl}>
            {problem.setupUrl}
          </a>
        </>
      )}
    </>
  );
}

/** The one banner; renders nothing on a secure context. */
export function SecureContextBanner() {
  const t = useT();
  const [problem] = useState(currentSecureContextProblem);
  if (!problem) return null;
  return (
    <div role="alert" data-testid="insecure-origin-banner" className="no-print space-y-1 bg-amber-300 px-4 py-2 text-slate-900">
      <p className="font-bold">{problem.kind === 'insecure-origin' ? t('insecureTitle') : t('noWebCryptoTitle')}</p>
      <p>{problem.kind === 'insecure-origin' ? t('insecureBody') : t('noWebCryptoBody')}</p>
      <SecureLinks problem={problem} />
    </div>
  );
}

/** On a PIN pad: why it cannot sign anyone in, and what to do. */
export function PinUnavailable({ problem }: { problem: SecureContextProblem }) {
  const t = useT();
  return (
    <div role="alert" data-testid="pin-unavailable" className="space-y-1 rounded-lg bg-amber-100 p-3 text-slate-900 ring-1 ring-amber-400">
      <p>{problem.kind === 'insecure-origin' ? t('pinUnavailableInsecure') : t('pinUnavailableNoCrypto')}</p>
      <SecureLinks problem={problem} />
    </div>
  );
}
