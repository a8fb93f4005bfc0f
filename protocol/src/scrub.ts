/**
 * Personal-data scrubbing: the one definition of what is removed from events, used in the
 * browser (before an event is queued) and again at the edge (before it is forwarded).
 *
 * Zod-free and dependency-free, like `limits.ts`, so the SDK can import it through
 * `@lifeline/protocol/scrub`. Every pattern runs in time linear in the text: the edge
 * applies them to hostile input (a 32 KiB stack of `a`s or `;`s must not cost seconds).
 * No lookbehind, which older Safari cannot parse.
 */

/**
 * Names of keys and URL query parameters whose values are never sent: passwords, tokens,
 * secrets, credentials, session and API keys, card security codes. Matched anywhere in
 * the name, case-insensitively (`X-Auth-Token`, `reset_password`, `apiKey`).
 */
export const SENSITIVE_NAMES = 'pass|pwd|secret|token|auth|credential|session|cookie|api.?key|private.?key|signature|cvv|cvc';

/** What replaces a value that may not leave the page. */
export const FILTERED = '[Filtered]';

const SENSITIVE = new RegExp(SENSITIVE_NAMES, 'i');
// Each pattern starts only where its run starts (the char before is consumed as `$1`),
// so a long run that does not match is scanned once, not once per position.
// `%40` is an `@` inside a URL (`?email=bob%40example.com`).
const EMAIL = /(^|[^\w.+-])[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+/g;
// A JSON Web Token: base64url `{"…` header, payload and signature.
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const BEARER = /\b(Bearer\s+)[\w.~+/-]{8,}=*/gi;
// 13 to 19 digits, optionally grouped by single spaces or dashes, not inside a longer number.
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
// International (`+` and 8–15 digits, grouped or not), North American (`(415) 555-2671`,
// `415.555.2671`) or national with a trunk `0` (`020 7946 0958`, `06 12 34 56 78`); the
// digit count is checked below. Never glued to letters, dashes or a time (`FT-123456`,
// `2026-11-21T10:40`) and never a bare digit run (order numbers, timestamps), so sizes,
// prices and dates are kept.
const PHONE = /(^|[^\w.+-])(\+\d{8,15}|\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]\d{1,5}){2,6}|(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}|\(?0\d{1,4}\)?(?:[ .-]\d{2,5}){1,4})(?![\w-]|[.:]\d)/g;
// `name=value` after `?`, `&`, `;`, a space, a comma, a quote or a bracket; the value runs to
// the next parameter, fragment, space, quote or `)`, so `auth=user:secret` goes whole. The
// name may not contain the characters that start one, which keeps the scan linear.
const PAIR = /(^|[?&;,\s"'(])([^=&#\s?;,"'()]+)=[^&#\s)'"]*/g;

/** The Luhn checksum (ISO/IEC 7812) every payment card number satisfies. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length; i--; ) {
    const d = +digits[i]! * ((digits.length - i) % 2 ? 1 : 2);
    sum += d > 9 ? d - 9 : d;
  }
  return sum % 10 === 0;
}

function isPhone(text: string): boolean {
  const digits = text.replace(/\D/g, '').length;
  return digits <= 15 && digits >= (text[0] === '+' ? 8 : 10);
}

/**
 * Removes personal data from free text (messages, stacks, URLs, titles): email addresses
 * become `[email]`, Luhn-valid card numbers `[card]`, phone numbers `[phone]`, JWTs and
 * bearer tokens `[Filtered]`, and so do values of sensitive `name=value` pairs (query
 * parameters or text). Digit runs that fail the Luhn check or are not grouped like a phone
 * number (order numbers, prices, timestamps) are kept.
 *
 * @example scrubText('pay?token=abc&card=4111 1111 1111 1111') // 'pay?token=[Filtered]&card=[card]'
 */
export function scrubText(text: string): string {
  return text
    .replace(EMAIL, '$1[email]')
    .replace(JWT, FILTERED)
    .replace(BEARER, `$1${FILTERED}`)
    .replace(CARD, (m) => (luhn(m.replace(/\D/g, '')) ? '[card]' : m))
    .replace(PHONE, (m, before: string, number: string) => (isPhone(number) ? `${before}[phone]` : m))
    .replace(PAIR, (m, before: string, name: string) => (SENSITIVE.test(name) ? `${before}${name}=${FILTERED}` : m));
}

// Identifiers are chosen by the store and looked up verbatim (an order number may pass
// the Luhn check); they are never rewritten.
const KEEP = /_id$|^fingerprint$/;

function clean(value: unknown, key: string): unknown {
  if (KEEP.test(key)) return value;
  if (SENSITIVE.test(key)) return FILTERED;
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map((v) => clean(v, ''));
  // fromEntries defines own properties, so a `__proto__` key stays data, never a prototype.
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v, k)]));
  return value;
}

/**
 * A copy of `event` with every string scrubbed by `scrubText`, and the value of any field
 * or prop with a sensitive name (`password`, `auth_token`…) replaced by `[Filtered]`.
 * Fields named `*_id` and `fingerprint` are kept as they are.
 *
 * @example scrubEvent({ kind: 'track', props: { password: 'x', note: 'a@b.co' } }) // props: { password: '[Filtered]', note: '[email]' }
 */
export function scrubEvent<T extends object>(event: T): T {
  return clean(event, '') as T;
}
