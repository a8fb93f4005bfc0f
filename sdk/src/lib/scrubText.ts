/**
 * Names of keys and URL query parameters whose values are never sent: passwords, tokens,
 * secrets, credentials, session and API keys, card security codes. Matched anywhere in
 * the name, case-insensitively (`X-Auth-Token`, `reset_password`, `apiKey`).
 */
export const SENSITIVE_NAMES = 'pass|pwd|secret|token|auth|credential|session|cookie|api.?key|private.?key|signature|cvv|cvc';

/** What replaces a value that may not leave the page. */
export const FILTERED = '[Filtered]';

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
// 13 to 19 digits, optionally grouped by single spaces or dashes, not inside a longer number.
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
// A value runs to the next parameter, fragment, space, quote or `)` (a URL inside a
// stack frame); a `:` does not end it, so `auth=user:secret` is filtered whole.
const QUERY = new RegExp(`([?&;][^=&#\\s]*(?:${SENSITIVE_NAMES})[^=&#\\s]*=)[^&#\\s)'"]*`, 'gi');

/** The Luhn checksum (ISO/IEC 7812) every payment card number satisfies. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length; i--; ) {
    // Every second digit from the right is doubled.
    const d = +digits[i]! * ((digits.length - i) % 2 ? 1 : 2);
    sum += d > 9 ? d - 9 : d;
  }
  return sum % 10 == 0;
}

/**
 * Removes personal data from free text (messages, stacks, URLs, titles): email addresses
 * become `[email]`, Luhn-valid card numbers `[card]`, and values of sensitive query
 * parameters `[Filtered]`. Digit runs that fail the Luhn check (order numbers, prices,
 * timestamps) are kept.
 *
 * @example scrubText('pay?token=abc&card=4111 1111 1111 1111') // 'pay?token=[Filtered]&card=[card]'
 */
export function scrubText(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(CARD, (m) => (luhn(m.replace(/\D/g, '')) ? '[card]' : m))
    .replace(QUERY, `$1${FILTERED}`);
}
