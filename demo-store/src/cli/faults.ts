import { DEV } from '../dev-config';
import { parseArgs } from './args';

const USAGE = `usage: npm run faults -w demo-store -- <command>
  show                                   the faults in force
  primary|fallback down|slow|failing|ok  [--delay MS] [--percent N]
  gateways down                          both payment gateways down
  db slow|down|ok                        [--delay MS]
  orders-503 on|off                      the orders service answers 503
  clear                                  everything back to normal
Environment: STORE_URL (default http://127.0.0.1:${DEV.ports.store}), STORE_ADMIN_TOKEN (default the development token)`;

/** A command line that cannot be sent at all: said with the usage. */
class UsageError extends Error {}

const { words, opts } = parseArgs(process.argv.slice(2));
const storeUrl = process.env.STORE_URL ?? `http://127.0.0.1:${DEV.ports.store}`;
const token = process.env.STORE_ADMIN_TOKEN ?? DEV.adminToken;

function change(): unknown {
  const [what, mode] = words;
  const num = (k: string) => {
    if (opts[k] === undefined) return undefined;
    const n = Number(opts[k]);
    if (!Number.isFinite(n)) throw new UsageError(`--${k} must be a number, not ${opts[k]}`);
    return n;
  };
  // Without a mode the store would take its default, 'ok', and silently clear the fault.
  if (['primary', 'fallback', 'gateways', 'db'].includes(what!) && !mode) {
    throw new UsageError(`${what} takes a mode: ${what === 'db' ? 'slow, down or ok' : 'down, slow, failing or ok'}`);
  }
  const gateway = (m: string | undefined) => ({ mode: m, ...(num('delay') !== undefined ? { delay_ms: num('delay') } : {}), ...(num('percent') !== undefined ? { percent: num('percent') } : {}) });
  switch (what) {
    case 'primary':
    case 'fallback':
      return { [what]: gateway(mode) };
    case 'gateways':
      return { primary: gateway(mode), fallback: gateway(mode) };
    case 'db':
      return { db: { mode, ...(num('delay') !== undefined ? { delay_ms: num('delay') } : {}) } };
    case 'orders-503':
      if (mode !== 'on' && mode !== 'off') throw new UsageError('orders-503 takes on or off');
      return { orders_503: mode === 'on' };
    default:
      throw new UsageError(`unknown command: ${words.join(' ')}`);
  }
}

try {
  const [cmd] = words;
  const method = cmd === 'show' || cmd === undefined ? 'GET' : cmd === 'clear' ? 'DELETE' : 'PUT';
  const body = method === 'PUT' ? JSON.stringify(change()) : undefined;
  const res = await fetch(`${storeUrl}/admin/faults`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body ? { body } : {}),
  }).catch((err: unknown) => {
    throw new Error(`cannot reach the store at ${storeUrl}: ${err instanceof Error ? err.message : String(err)}`);
  });
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(`the store refused: ${res.status} ${String(answer.reason ?? '')}`);
  const f = answer as { primary: { mode: string }; fallback: { mode: string }; db: { mode: string }; orders_503: boolean };
  console.log(`primary gateway: ${f.primary.mode}\nfallback gateway: ${f.fallback.mode}\ndatabase: ${f.db.mode}\norders 503: ${f.orders_503 ? 'on' : 'off'}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  if (err instanceof UsageError) console.error(USAGE);
  process.exit(1);
}
