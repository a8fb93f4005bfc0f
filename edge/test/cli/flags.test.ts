import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagChangeResponse, FlagHistoryResponse, FlagsResponse } from '@lifeline/protocol';
import { startCollectorStandIn, type CollectorStandIn } from '../../tools/collectorStandIn';
import { freePort } from '../../tools/freePort';
import { startWrangler, type RunningWrangler } from '../../tools/startWrangler';
import { runCli, startCli } from './runCli';

let edge: RunningWrangler;
let collector: CollectorStandIn;
let ops: Record<string, string>;

beforeAll(async () => {
  collector = await startCollectorStandIn();
  edge = await startWrangler({
    cwd: new URL('../..', import.meta.url).pathname,
    vars: {
      LIFELINE_KEYS: 'pk_demo:demo,pk_shop:shop',
      LIFELINE_OPS_TOKENS: 'demo:dev-ops:dev-ops-token,shop:shop-ops:shop-ops-token',
      LIFELINE_COLLECTOR_URL: collector.url,
    },
  });
  ops = { LIFELINE_OPS_TOKEN: 'dev-ops-token', LIFELINE_EDGE_URL: edge.url };
});

afterAll(async () => {
  await edge?.stop();
  await collector?.close();
});

describe('lifeline flags, against wrangler dev', () => {
  it('lists every feature as a table', async () => {
    const { code, stdout, stderr } = await runCli(['flags', 'list'], ops);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^project demo · version \d+ · updated .+ · 0 open streams/);
    expect(stdout).toMatch(/FEATURE\s+STATE\s+UNTIL\s+MESSAGE/);
    for (const feature of ['checkout', 'payments', 'search', 'recommendations']) expect(stdout).toMatch(new RegExp(`^${feature}\\s+ok`, 'm'));
  });

  it('sets a flag with a message for a while, clears it, and shows both in the history', async () => {
    const set = await runCli(['flags', 'set', 'checkout', 'degraded', '-m', 'Payments are slow', '--for', '30m'], ops);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^checkout: ok → degraded "Payments are slow" until .+ \(in 30m\) · version \d+ · request [0-9a-f-]{36}$/m);

    const listed = await runCli(['flags', 'list'], ops);
    expect(listed.stdout).toMatch(/^checkout\s+degraded\s+.+\(in (29m \d+s|30m)\)\s+Payments are slow$/m);

    const cleared = await runCli(['flags', 'clear', 'checkout'], ops);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toMatch(/^checkout: degraded → ok · version \d+ · request [0-9a-f-]{36}$/m);

    const again = await runCli(['flags', 'clear', 'checkout'], ops);
    expect(again.stdout).toMatch(/already ok .*\(no change\)/);

    const history = await runCli(['flags', 'history', '--limit', '2'], ops);
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/AT\s+FEATURE\s+CHANGE\s+ACTOR\s+CAUSE\s+MESSAGE/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/checkout\s+degraded → ok\s+dev-ops\s+ops/);
    expect(lines[2]).toMatch(/checkout\s+ok → degraded\s+dev-ops\s+ops\s+Payments are slow/);
  });

  it('prints JSON with --json', async () => {
    const before = Date.now();
    const set = await runCli(['flags', 'set', 'search', 'down', '-m', 'Search is off', '--for', '2h', '--json'], ops);
    const change = FlagChangeResponse.parse(JSON.parse(set.stdout));
    expect(change).toMatchObject({ project: 'demo', feature: 'search', changed: true, flag: { state: 'down', message: 'Search is off' } });
    expect(change.flag.until! - before).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(change.flag.until! - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);

    const list = FlagsResponse.parse(JSON.parse((await runCli(['flags', 'list', '--json'], ops)).stdout));
    expect(list.flags.search?.state).toBe('down');
    const history = FlagHistoryResponse.parse(JSON.parse((await runCli(['flags', 'history', '--json', '--limit', '1'], ops)).stdout));
    expect(history.history[0]).toMatchObject({ feature: 'search', actor: 'dev-ops', to: { state: 'down' } });
    expect((await runCli(['flags', 'clear', 'search', '--json'], ops)).code).toBe(0);
  });

  it('watches changes arrive on the stream, one line each', async () => {
    const watch = startCli(['flags', 'watch'], ops);
    await watch.waitFor(/^watching project demo · version \d+/m);
    await runCli(['flags', 'set', 'payments', 'down', '-m', 'Gateway outage'], ops);
    await watch.waitFor(/v\d+ {2}payments: ok → down "Gateway outage"/);
    await runCli(['flags', 'clear', 'payments'], ops);
    await watch.waitFor(/v\d+ {2}payments: down → ok/);
    expect(await watch.interrupt()).toBe(0);
  });

  it('sends every change on to the collector as a flag event, under the request ID it prints', async () => {
    const set = await runCli(['flags', 'set', 'recommendations', 'degraded'], ops);
    const requestId = /· request ([0-9a-f-]{36})$/m.exec(set.stdout)?.[1];
    expect(requestId).toBeDefined();
    await expect.poll(() => collector.events.find((e) => e.request_id === requestId), { timeout: 10_000 }).toBeDefined();
    const event = collector.events.find((e) => e.request_id === requestId)!;
    expect(event).toMatchObject({ kind: 'flag', feature: 'recommendations', state: 'degraded', from_state: 'ok', actor: 'dev-ops', project: 'demo' });
    await runCli(['flags', 'clear', 'recommendations'], ops);
  });
});

describe('lifeline flags fails clearly', () => {
  it.each<{ label: string; args: string[]; env: Record<string, string>; code: number; message: RegExp }>([
    { label: 'a wrong token', args: ['flags', 'list'], env: { LIFELINE_OPS_TOKEN: 'not-a-token' }, code: 1, message: /refused to list the flags \(403 unknown_token.*\n.*check LIFELINE_OPS_TOKEN/ },
    { label: "another project's token for this project", args: ['flags', 'list', '--project', 'demo'], env: { LIFELINE_OPS_TOKEN: 'shop-ops-token' }, code: 1, message: /403 wrong_project/ },
    { label: 'the public key as token', args: ['flags', 'list'], env: { LIFELINE_OPS_TOKEN: 'pk_demo' }, code: 1, message: /403 unknown_token/ },
    { label: 'no token', args: ['flags', 'list'], env: { LIFELINE_OPS_TOKEN: '' }, code: 2, message: /set LIFELINE_OPS_TOKEN/ },
    { label: 'a bad state', args: ['flags', 'set', 'checkout', 'broken'], env: {}, code: 2, message: /state must be one of ok, degraded, down, not "broken"/ },
    { label: 'a bad feature name', args: ['flags', 'set', 'Checkout', 'down'], env: {}, code: 2, message: /"Checkout" is not a feature name/ },
    { label: 'a bad duration', args: ['flags', 'set', 'checkout', 'down', '--for', '30 minutes'], env: {}, code: 2, message: /--for "30 minutes" is not a duration/ },
    { label: 'an until in the past', args: ['flags', 'set', 'checkout', 'down', '--until', '2020-01-01T00:00:00Z'], env: {}, code: 2, message: /is in the past/ },
    { label: 'a feature name the edge reserves', args: ['flags', 'set', 'history', 'down'], env: {}, code: 1, message: /refused to set history \(405 method_not_allowed/ },
    { label: 'an unknown option', args: ['flags', 'list', '--colour'], env: {}, code: 2, message: /Unknown option '--colour'/ },
    { label: 'an unknown command', args: ['flags', 'flip'], env: {}, code: 2, message: /unknown flags command "flip"/ },
    { label: 'a history limit out of range', args: ['flags', 'history', '--limit', '5000'], env: {}, code: 2, message: /--limit must be a whole number from 1 to 1000/ },
  ])('$label → exit $code', async ({ args, env, code, message }) => {
    const result = await runCli(args, { ...ops, ...env });
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^lifeline: /);
    expect(result.stderr).toMatch(message);
  });

  it('an unreachable edge → exit 1 naming the address', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['flags', 'list'], { ...ops, LIFELINE_EDGE_URL: closed });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`lifeline: cannot reach the edge at ${closed} (ECONNREFUSED)`);
  });

  it('prints usage with --help', async () => {
    const result = await runCli(['--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: lifeline flags <command>');
  });
});
