import { z } from 'zod';

/**
 * The `steps` parameter of a funnel: event names in order, each with optional property
 * filters, separated by commas:
 *
 *     view_product,add_to_cart[product_id=tee-rose],purchase[revenue>=20;currency=EUR]
 *
 * A filter is `key op value` with op `=`, `!=`, `>`, `>=`, `<`, `<=` or `~` (contains,
 * case-insensitive); several filters in one step are separated by `;` and must all hold.
 * Names, keys and values may be double-quoted JSON strings when they contain `,` `;` `[`
 * `]` `"` or spaces at either end: `"Order Completed"[plan="pro, yearly"]`.
 */

export const PROP_OPS = ['=', '!=', '>', '>=', '<', '<=', '~'] as const;

export const PropFilter = z.object({
  key: z.string().min(1).max(128),
  op: z.enum(PROP_OPS),
  value: z.string().max(1024),
});

export const FunnelStep = z.object({
  /** The `track` event's name. */
  event: z.string().min(1).max(200),
  where: z.array(PropFilter).max(10),
  /** The step as written, for labels. */
  label: z.string(),
});

export type PropOp = (typeof PROP_OPS)[number];
export type PropFilter = z.infer<typeof PropFilter>;
export type FunnelStep = z.infer<typeof FunnelStep>;

/** Why a `steps` text could not be read, with the character position. */
export class StepSyntaxError extends Error {
  override name = 'StepSyntaxError';
}

/**
 * Reads a `steps` text into steps.
 *
 * @example parseFunnelSteps('view_product,add_to_cart[product_id=tee-rose]')
 * // [{ event: 'view_product', where: [], … }, { event: 'add_to_cart', where: [{ key: 'product_id', op: '=', value: 'tee-rose' }], … }]
 * @throws StepSyntaxError
 */
export function parseFunnelSteps(text: string): FunnelStep[] {
  let i = 0;
  const fail = (what: string): never => {
    throw new StepSyntaxError(`${what} at character ${i + 1}`);
  };
  const space = () => {
    while (text[i] === ' ') i++;
  };
  /** A quoted JSON string, or bare text up to one of `stops` (trimmed). */
  const word = (stops: string): string => {
    space();
    if (text[i] === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) fail('unterminated quoted string');
      i++;
      try {
        return JSON.parse(text.slice(start, i)) as string;
      } catch {
        return fail('malformed quoted string');
      }
    }
    const start = i;
    while (i < text.length && !stops.includes(text[i]!) && text[i] !== '"') i++;
    return text.slice(start, i).trim();
  };
  const op = (): PropOp => {
    space();
    for (const o of ['!=', '>=', '<=', '=', '>', '<', '~'] as const) {
      if (text.startsWith(o, i)) {
        i += o.length;
        return o;
      }
    }
    return fail('expected one of = != > >= < <= ~');
  };

  const steps: FunnelStep[] = [];
  for (;;) {
    const start = i;
    const event = word(',[');
    if (event === '') fail('expected an event name');
    const where: PropFilter[] = [];
    space();
    if (text[i] === '[') {
      i++;
      for (;;) {
        const key = word('!=<>~;]');
        if (key === '') fail('expected a property key');
        const o = op();
        const value = word(';]');
        if (o !== '=' && o !== '!=' && o !== '~' && !Number.isFinite(Number(value))) fail(`${o} needs a number`);
        where.push({ key, op: o, value });
        space();
        if (text[i] === ';') i++;
        else if (text[i] === ']') break;
        else fail('expected ; or ]');
      }
      i++;
      space();
    }
    steps.push({ event, where, label: text.slice(start, i).trim() });
    if (i >= text.length) return steps;
    if (text[i] !== ',') fail('expected , between steps');
    i++;
  }
}

/** `steps` as a parameter: 2 to `max` steps. */
export const stepsParam = (max: number) =>
  z
    .string()
    .max(4000)
    .transform((s, ctx) => {
      try {
        return parseFunnelSteps(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    })
    .pipe(z.array(FunnelStep).min(2, `give 2 to ${max} steps`).max(max, `give 2 to ${max} steps`));
