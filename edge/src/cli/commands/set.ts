import { FEATURE_STATES, featureName, LIMITS, type FeatureState, type FlagChange } from '@lifeline/protocol';
import { parseDuration } from '../duration';
import { usageError } from '../errors';
import { formatChange } from '../format';
import type { CliOptions } from '../options';
import type { CommandContext } from './context';

/** The feature positional, checked before anything is sent. */
export function featureArg(value: string | undefined, command: string): string {
  if (!value) throw usageError(`${command} needs a feature, e.g. lifeline flags ${command} checkout`);
  if (!featureName.safeParse(value).success) {
    throw usageError(`"${value}" is not a feature name: lowercase letters, digits, _ and -, at most 64, starting with a letter`);
  }
  return value;
}

function untilFrom(options: CliOptions, now: number): number | undefined {
  if (options.for !== undefined && options.until !== undefined) throw usageError('give --for or --until, not both');
  if (options.for !== undefined) {
    const ms = parseDuration(options.for);
    if (ms === undefined) throw usageError(`--for "${options.for}" is not a duration like 30s, 10m, 2h, 1d or 1h30m`);
    return now + ms;
  }
  if (options.until !== undefined) {
    const at = /^\d+$/.test(options.until) ? Number(options.until) : Date.parse(options.until);
    if (Number.isNaN(at)) throw usageError(`--until "${options.until}" is not an ISO 8601 time or epoch milliseconds`);
    if (at <= now) throw usageError(`--until ${new Date(at).toISOString()} is in the past`);
    return at;
  }
  return undefined;
}

/** Builds the `FlagChange` for `set` from the command line. */
export function changeFrom(options: CliOptions, state: string | undefined, now: number = Date.now()): FlagChange {
  if (!state || !(FEATURE_STATES as readonly string[]).includes(state)) {
    throw usageError(`the state must be one of ${FEATURE_STATES.join(', ')}${state ? `, not "${state}"` : ''}`);
  }
  if (options.message !== undefined && options.message.length > LIMITS.message) {
    throw usageError(`the message is longer than ${LIMITS.message} characters`);
  }
  const change: FlagChange = { state: state as FeatureState };
  if (options.message) change.message = options.message;
  const until = untilFrom(options, now);
  if (until !== undefined) {
    if (state === 'ok') throw usageError('--for/--until apply to degraded or down; ok has nothing to revert');
    change.until = until;
  }
  return change;
}

/** `lifeline flags set <feature> <state> [-m text] [--for d | --until t] [--json]` */
export async function setCommand({ client, options, print }: CommandContext): Promise<void> {
  const [, , feature, state, ...rest] = options.positionals;
  if (rest.length > 0) throw usageError(`unexpected "${rest.join(' ')}"; quote a message with spaces: -m "Payments are slow"`);
  const name = featureArg(feature, 'set');
  const result = await client.set(name, changeFrom(options, state));
  print(options.json ? JSON.stringify(result) : formatChange(result));
}
