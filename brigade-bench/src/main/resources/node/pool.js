// Piscina peer for `brigade bench pool`: the same three figures as PoolSuite, printed as one JSON
// object. Usage: node pool.js quick|full. Needs piscina installed next to the cache (NodePeer).
'use strict';
const fs = require('fs');
const path = require('path');
const { Piscina } = require('piscina');

const WORKER = path.join(__dirname, 'pool-worker.js');
fs.writeFileSync(WORKER, `'use strict';
module.exports = (x) => x;
module.exports.cpu = (iterations) => {       // the same integer loop as PoolSuite's cpu task
  let s = 2463534242 | 0, acc = 0;
  for (let i = 0; i < iterations; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; acc = (acc + (s & 0xff)) | 0; }
  return acc;
};
`);

const quick = process.argv[2] === 'quick';
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const now = () => Number(process.hrtime.bigint());

async function throughput(pool, n, window) {
  const t0 = now();
  let issued = 0, done = 0;
  await new Promise((resolve, reject) => {
    const pump = () => {
      while (issued < n && issued - done < window) {
        issued++;
        pool.run(issued).then(() => { done++; if (done === n) resolve(); else pump(); }, reject);
      }
    };
    pump();
  });
  return n / ((now() - t0) / 1e9);
}

async function overhead(pool, n) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await pool.run(i);
    samples.push((now() - t0) / 1e3);
  }
  return median(samples.slice(Math.floor(n / 5)));
}

async function cpuWall(threads, tasks, iterations) {
  const pool = new Piscina({ filename: WORKER, minThreads: threads, maxThreads: threads, idleTimeout: 60000 });
  await Promise.all(Array.from({ length: threads * 2 }, () => pool.run(1000, { name: 'cpu' })));
  const t0 = now();
  await Promise.all(Array.from({ length: tasks }, () => pool.run(iterations, { name: 'cpu' })));
  const wall = now() - t0;
  await pool.destroy();
  return wall;
}

async function calibrate(targetMs) {               // iterations for ~targetMs of CPU in one worker
  const pool = new Piscina({ filename: WORKER, minThreads: 1, maxThreads: 1 });
  let it = 100000;
  for (;;) {
    const t0 = now();
    await pool.run(it, { name: 'cpu' });
    const ms = (now() - t0) / 1e6;
    if (ms > 2) { it = Math.round(it * targetMs / ms); break; }
    it *= 4;
  }
  await pool.destroy();
  return it;
}

(async () => {
  const pool = new Piscina({ filename: WORKER, minThreads: 2, maxThreads: 2, idleTimeout: 60000 });
  const n = quick ? 20000 : 100000;
  await throughput(pool, Math.min(n, 20000), 64);          // warm-up
  const rates = [];
  for (let r = 0; r < (quick ? 1 : 3); r++) rates.push(await throughput(pool, n, 64));
  const ovh = await overhead(pool, quick ? 2000 : 10000);
  await pool.destroy();
  const iterations = await calibrate(5);
  const tasks = quick ? 20 : 100;
  const one = await cpuWall(1, tasks, iterations);
  const two = await cpuWall(2, tasks, iterations);
  process.stdout.write(JSON.stringify({
    'pool.tasks_per_s': median(rates),
    'pool.overhead_p50_us': ovh,
    'pool.cpu_speedup': one / two,
  }) + '\n');
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
