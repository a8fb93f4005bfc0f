import { BrowserEvent, describeIssues, LIMITS } from '@lifeline/protocol';
import { scrubEvent } from '@lifeline/protocol/scrub';

/**
 * The longest each string field may be, as `BrowserEvent` says; `[email]` is longer than
 * `a@b.io`, so scrubbing may lengthen a field that was at its limit.
 */
const MAX_LENGTH: Record<string, number> = {
  message: LIMITS.message,
  stack: LIMITS.stack,
  url: LIMITS.url,
  referrer: LIMITS.url,
  title: LIMITS.url,
  target: LIMITS.url,
  file: LIMITS.url,
  name: LIMITS.name,
  fn: LIMITS.name,
};

function fit(value: unknown, max: number, key: string): unknown {
  if (typeof value === 'string') return value.length > max ? value.slice(0, max) : value;
  if (Array.isArray(value)) return value.map((v) => fit(v, max, key));
  if (value && typeof value === 'object') {
    const inProps = key === 'props';
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fit(v, inProps ? LIMITS.propValue : (MAX_LENGTH[k] ?? LIMITS.label), k)]),
    );
  }
  return value;
}

export type ScrubResult = { ok: true; event: BrowserEvent } | { ok: false; reason: string };

/**
 * A validated event with personal data removed (`scrubEvent`: emails, card and phone
 * numbers, tokens, values under sensitive names), the edge's second pass after the SDK's.
 * What scrubbing lengthened is cut back to the field's limit, and the result is validated
 * again, so the collector never receives an event it would refuse (which would refuse the
 * whole batch). An event scrubbing cannot make valid (a feature name holding a card number)
 * is refused alone, with a reason that names the field but not its content.
 *
 * @example scrubAccepted(event) // { ok: true, event: { …, message: 'mail [email]' } }
 */
export function scrubAccepted(event: BrowserEvent): ScrubResult {
  const scrubbed = scrubEvent(event);
  if (JSON.stringify(scrubbed) === JSON.stringify(event)) return { ok: true, event };
  const again = BrowserEvent.safeParse(fit(scrubbed, LIMITS.label, ''));
  if (again.success) return { ok: true, event: again.data };
  const { issues } = describeIssues(again.error);
  return { ok: false, reason: `${issues.map((i) => i.path).join(', ')}: not valid once personal data was removed` };
}
