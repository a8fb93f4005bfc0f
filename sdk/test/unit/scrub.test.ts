import { describe, expect, it } from 'vitest';
import { scrubEvent, scrubText } from '@lifeline/protocol/scrub';

describe('scrubText', () => {
  it.each([
    ['an email', 'mail bob.smith+shop@mail.example.co.uk now', 'mail [email] now'],
    ['a Visa number', 'card 4111111111111111 declined', 'card [card] declined'],
    ['a grouped Mastercard number', 'card 5555 5555 5555 4444.', 'card [card].'],
    ['a dashed Amex number', 'amex 3782-822463-10005', 'amex [card]'],
    ['a 19-digit number', 'pan 6011000990139424000', 'pan 6011000990139424000'],
    ['basic credentials', 'https://s.test/?auth=user:secret&x=1', 'https://s.test/?auth=[Filtered]&x=1'],
    ['token query values', 'GET /pay?token=abc123&qty=2&Auth_Key=zz#top', 'GET /pay?token=[Filtered]&qty=2&Auth_Key=[Filtered]#top'],
    ['a password in a URL inside a stack', 'at x (https://s.test/a.js?password=hunter2:1:2)', 'at x (https://s.test/a.js?password=[Filtered])'],
  ])('scrubs %s', (_label, input, output) => {
    expect(scrubText(input)).toBe(output);
  });

  it.each([
    ['an order number that fails the Luhn check', 'order 4111111111111112'],
    ['a timestamp', 'at 1718000000001'],
    ['a price', 'total 1234.56'],
    ['a Firefox stack frame', 'pay@https://shop.test/app.js:10:5'],
    ['a longer run of digits', '41111111111111111111111'],
    ['harmless query parameters', '/search?q=shirt&page=2'],
  ])('keeps %s', (_label, input) => {
    expect(scrubText(input)).toBe(input);
  });
});

describe('scrubEvent', () => {
  it('scrubs every string, filters sensitive keys, and keeps IDs and the fingerprint', () => {
    const event = {
      kind: 'error',
      event_id: 'e1',
      user_id: 'bob@example.com',
      order_id: '4111111111111111',
      fingerprint: '4111111111111111',
      url: 'https://shop.test/reset?email=bob@example.com&session_id=s1',
      message: 'charge failed for 4111 1111 1111 1111',
      frames: [{ fn: 'pay', file: 'https://shop.test/a.js?apiKey=k', line: 1, col: 2 }],
      handled: true,
      props: { password: 'hunter2', note: 'call bob@example.com', qty: 2, authorization: null },
    };
    expect(scrubEvent(event)).toEqual({
      ...event,
      url: 'https://shop.test/reset?email=[email]&session_id=[Filtered]',
      message: 'charge failed for [card]',
      frames: [{ fn: 'pay', file: 'https://shop.test/a.js?apiKey=[Filtered]', line: 1, col: 2 }],
      props: { password: '[Filtered]', note: 'call [email]', qty: 2, authorization: '[Filtered]' },
    });
    expect(event.props.password).toBe('hunter2');
  });
});
