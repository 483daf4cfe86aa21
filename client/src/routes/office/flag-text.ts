/**
 * The projector's verification findings (`FlaggedTrustFinding`, issue 13) as a manager reads
 * them: the flag's name in the user's language, the amounts as money, and the devices by name.
 * Pure, so the wording is tested without a browser.
 */
import type { FlaggedTrustFinding, TrustFlagName } from '@kiosk/shared';
import type { MessageKey } from '../../i18n/en';
import type { Translate } from '../../i18n';

/** One message per flag: a new flag name fails to compile until it has its text. */
export const TRUST_FLAG_TEXT: Record<TrustFlagName, MessageKey> = {
  number_ignored: 'trustFlag_number_ignored',
  price_mismatch: 'trustFlag_price_mismatch',
  unknown_menu: 'trustFlag_unknown_menu',
  device_mismatch: 'trustFlag_device_mismatch',
  unknown_staff: 'trustFlag_unknown_staff',
  approval_unverified: 'trustFlag_approval_unverified',
};

/** Fields whose expected/claimed values are money (minor units). */
const MONEY_FIELD = /^(total|subtotal|discount|serviceCharge|tax)$|\.(unitPrice|gross|discount|priceDelta)$/;

export function trustFindingText(finding: FlaggedTrustFinding, t: Translate, money: (minor: number) => string): string {
  const parts = [t(TRUST_FLAG_TEXT[finding.flag])];
  const { expected, claimed } = finding;
  if (finding.flag === 'price_mismatch' && finding.field && MONEY_FIELD.test(finding.field) && typeof expected === 'number' && typeof claimed === 'number') {
    parts.push(t('trustExpectedClaimed', { expected: money(expected), claimed: money(claimed) }));
  }
  if (finding.flag === 'number_ignored' && typeof claimed === 'number') parts.push(t('trustNumberClaimed', { claimed }));
  if (finding.writerName) parts.push(t('trustWrittenBy', { name: finding.writerName }));
  return parts.join(', ');
}
