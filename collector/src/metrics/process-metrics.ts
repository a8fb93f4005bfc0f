import type { Registry } from './registry';

/**
 * The standard process metrics Prometheus users expect (names as in the Node and Go
 * clients), read at scrape time.
 */
export function defineProcessMetrics(r: Registry): void {
  const startSeconds = Math.round((Date.now() - performance.now()) / 1000);
  r.gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since the Unix epoch in seconds.' }).collect(() => startSeconds);
  r.gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.' }).collect(() => process.memoryUsage.rss());
  r.gauge({ name: 'nodejs_heap_used_bytes', help: 'V8 heap in use, in bytes.' }).collect(() => process.memoryUsage().heapUsed);
  r.counter({ name: 'process_cpu_seconds_total', help: 'User and system CPU time spent in seconds.' }).collect(() => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  });
}
