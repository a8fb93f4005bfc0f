import { generateEventBatches } from './bench/data';
for (let r = 0; r < 3; r++) {
const c = process.cpuUsage(); const t = performance.now(); let n = 0;
for (const b of generateEventBatches({ events: 200_000, seed: r + 1 })) n += b.length;
const u = process.cpuUsage(c);
console.log('wall', ((performance.now() - t) * 1000 / n).toFixed(2), 'cpu', ((u.user + u.system) / n).toFixed(2), 'us/event');
}
