/**
 * Personal data in the shapes it reaches the edge, and look-alikes that must survive.
 * `secret` is the part that must be gone after scrubbing (the rest of the text may stay);
 * a `keep` entry must come through unchanged.
 */
export interface Scrubbed {
  label: string;
  text: string;
  secret: string;
  /** What the secret becomes. */
  as: '[email]' | '[card]' | '[phone]' | '[Filtered]';
}

export interface Kept {
  label: string;
  text: string;
}

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

export const SCRUBBED: readonly Scrubbed[] = [
  { label: 'plain email', text: 'order failed for bob@example.com', secret: 'bob@example.com', as: '[email]' },
  { label: 'email with dots, plus and subdomains', text: 'to first.last+promo@mail.shop.example.co.uk today', secret: 'first.last+promo@mail.shop.example.co.uk', as: '[email]' },
  { label: 'upper-case email', text: 'USER: JANE_DOE@EXAMPLE.ORG', secret: 'JANE_DOE@EXAMPLE.ORG', as: '[email]' },
  { label: 'email in angle brackets', text: 'From: Carol <carol-x@my-shop.io>', secret: 'carol-x@my-shop.io', as: '[email]' },
  { label: 'mailto link', text: 'mailto:alice@shop.example?subject=hi', secret: 'alice@shop.example', as: '[email]' },
  { label: 'URL-encoded email in a query', text: 'https://shop.example/account?email=bob%40example.com&x=1', secret: 'bob%40example.com', as: '[email]' },
  { label: 'email in JSON text', text: '{"customer":"dave@example.net","qty":2}', secret: 'dave@example.net', as: '[email]' },
  { label: 'Visa, spaced', text: 'card 4111 1111 1111 1111 declined', secret: '4111 1111 1111 1111', as: '[card]' },
  { label: 'Visa, dashed', text: 'card 4111-1111-1111-1111 declined', secret: '4111-1111-1111-1111', as: '[card]' },
  { label: 'Visa, one run', text: 'pan=4012888888881881', secret: '4012888888881881', as: '[card]' },
  { label: 'Visa, 13 digits', text: 'old card 4222222222222 used', secret: '4222222222222', as: '[card]' },
  { label: 'Mastercard, spaced', text: 'MC 5555 5555 5555 4444', secret: '5555 5555 5555 4444', as: '[card]' },
  { label: 'Mastercard 2-series, dashed', text: 'MC 2223-0031-2200-3222 ok', secret: '2223-0031-2200-3222', as: '[card]' },
  { label: 'Amex, 4-6-5 spaced', text: 'amex 3782 822463 10005', secret: '3782 822463 10005', as: '[card]' },
  { label: 'Amex, 4-6-5 dashed', text: 'amex 3714-496353-98431.', secret: '3714-496353-98431', as: '[card]' },
  { label: 'card number in a URL', text: 'https://pay.example/charge?number=5105105105105100', secret: '5105105105105100', as: '[card]' },
  { label: 'international phone, spaced', text: 'call +1 415 555 2671 now', secret: '+1 415 555 2671', as: '[phone]' },
  { label: 'international phone, dashed', text: 'tel +44-20-7946-0958', secret: '+44-20-7946-0958', as: '[phone]' },
  { label: 'French phone, pairs', text: 'portable +33 6 12 34 56 78', secret: '+33 6 12 34 56 78', as: '[phone]' },
  { label: 'E.164 phone, one run', text: 'sms to +14155552671 failed', secret: '+14155552671', as: '[phone]' },
  { label: 'US phone with area code in brackets', text: 'phone: (415) 555-2671', secret: '(415) 555-2671', as: '[phone]' },
  { label: 'US phone, dashed', text: 'phone 415-555-2671.', secret: '415-555-2671', as: '[phone]' },
  { label: 'US phone, dotted', text: 'phone 415.555.2671', secret: '415.555.2671', as: '[phone]' },
  { label: 'UK national phone', text: 'landline 020 7946 0958', secret: '020 7946 0958', as: '[phone]' },
  { label: 'phone in a tel: link', text: 'tel:+4930123456789', secret: '+4930123456789', as: '[phone]' },
  { label: 'bearer token in a header dump', text: 'Authorization: Bearer abcdef0123456789abcdef', secret: 'abcdef0123456789abcdef', as: '[Filtered]' },
  { label: 'bearer JWT', text: `sent Bearer ${JWT}`, secret: JWT, as: '[Filtered]' },
  { label: 'bare JWT in a message', text: `invalid session ${JWT} rejected`, secret: JWT, as: '[Filtered]' },
  { label: 'JWT in a query', text: `https://shop.example/cb?id_token=${JWT}&state=1`, secret: JWT, as: '[Filtered]' },
  { label: '?token=', text: 'https://shop.example/reset?token=abc123XYZ&lang=en', secret: 'abc123XYZ', as: '[Filtered]' },
  { label: '&password=', text: 'https://shop.example/login?user=x&password=hunter2#top', secret: 'hunter2', as: '[Filtered]' },
  { label: 'api_key= in free text', text: 'request failed with api_key=sk_live_51Habc and retry', secret: 'sk_live_51Habc', as: '[Filtered]' },
  { label: 'apiKey= at the start', text: 'apiKey=AKIA1234567890', secret: 'AKIA1234567890', as: '[Filtered]' },
  { label: '?api-key=', text: '/v2/search?api-key=9f8e7d6c&q=shirt', secret: '9f8e7d6c', as: '[Filtered]' },
  { label: '&access_token=', text: 'https://api.example/me?fields=name&access_token=EAAB1234', secret: 'EAAB1234', as: '[Filtered]' },
  { label: ';session=', text: '/cart;session=7c2f91aa', secret: '7c2f91aa', as: '[Filtered]' },
  { label: 'auth= with a colon', text: '?auth=user:s3cr3t', secret: 'user:s3cr3t', as: '[Filtered]' },
  { label: 'client_secret= in a stack frame URL', text: 'at load (https://cdn.example/app.js?client_secret=zz99:10:5)', secret: 'zz99:10:5', as: '[Filtered]' },
];

export const KEPT: readonly Kept[] = [
  { label: 'non-Luhn 16 digits, spaced', text: 'ref 4111 1111 1111 1112' },
  { label: 'non-Luhn 16 digits, dashed', text: 'ref 1234-5678-9012-3456' },
  { label: 'non-Luhn 16 digits, one run', text: 'ref 1234567890123456' },
  { label: 'order ID', text: 'order FT-123456 not found' },
  { label: 'order ID with a year', text: 'order FT-2026-000123 shipped' },
  { label: 'short order number', text: 'order 8812 not found' },
  { label: 'epoch milliseconds', text: 'at 1767225600000 the cart was empty' },
  { label: 'ISO time', text: 'since 2026-11-21T10:40:12Z' },
  { label: 'date and time', text: 'since 2026-11-21 10:40:12' },
  { label: 'IPv4 address', text: 'upstream 192.168.100.200 refused' },
  { label: 'version', text: 'sdk 4.86.0 (build 20260426)' },
  { label: 'price', text: 'total $1,299.00 incl. 20% VAT' },
  { label: 'UUID', text: '0b8f1c1e-3f5a-4c1e-9a53-0a1b2c3d4e5f' },
  { label: 'all-digit UUID', text: '12345678-1234-1234-1234-123456789012' },
  { label: 'harmless query', text: 'https://shop.example/search?q=red+shirt&page=2' },
  { label: 'word "token" without a value', text: 'token expired, please sign in' },
  { label: 'word "Bearer" without a token', text: 'missing Bearer header' },
  { label: 'at-sign without a domain', text: 'meet @ 10, @shop' },
];

/** Props as a page might send them: sensitive keys lose their values whatever they hold. */
export const SENSITIVE_PROPS: Record<string, string | number | boolean> = {
  password: 'hunter2',
  auth_token: 'abc',
  apiKey: 'sk_live_1',
  'X-Auth-Token': 'xyz',
  session: 'abc123',
  cvv: 123,
  private_key: true,
  cookie: 'sid=1',
};
