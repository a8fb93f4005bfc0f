import { spawn, type ChildProcess } from 'node:child_process';

/** How to start one service of the stack and how to know it is ready. */
export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Polled until it answers 200. */
  healthUrl: string;
}

/** A running service: its process and a clean stop. */
export interface Service {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a service in its own process group (wrangler runs workerd as a child, and both
 * must go on stop), prefixes its output with its name, and waits until its health URL
 * answers. Fails fast, with the service's last output, if it exits first.
 */
export async function startService(spec: ServiceSpec, log: (line: string) => void, timeoutMs = 60_000): Promise<Service> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const tail: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      log(`[${spec.name}] ${line}`);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const service: Service = { name: spec.name, child, stop: () => stopProcess(child, exited) };
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => (done = true));
  while (Date.now() < deadline) {
    if (done) throw new Error(`${spec.name} exited before it was ready:\n${tail.join('\n')}`);
    if (await answers(spec.healthUrl)) return service;
    await new Promise((r) => setTimeout(r, 150));
  }
  await service.stop();
  throw new Error(`${spec.name} did not answer ${spec.healthUrl} within ${timeoutMs} ms:\n${tail.join('\n')}`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole group, then SIGKILL if it has not gone within a grace period. */
async function stopProcess(child: ChildProcess, exited: Promise<number | null>, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // workerd may outlive wrangler for a moment; make sure nothing of the group is left.
  signal('SIGKILL');
}
