// Node peer of `brigade bench workers`: the same five figures, measured with worker_threads.
// Usage: node workers.js [quick]  -> one JSON object on stdout.
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

if (!isMainThread) {
  const mode = workerData.mode;
  if (mode === 'echo') {
    parentPort.on('message', (m) => parentPort.postMessage(m));
  } else if (mode === 'count') {
    let n = 0;
    parentPort.on('message', () => { if (++n === workerData.total) parentPort.postMessage(n); });
  } else if (mode === 'atomics') {
    const turn = new Int32Array(workerData.sab);
    for (let i = 0; i < workerData.rounds; i++) {
      while (Atomics.load(turn, 0) !== 1) Atomics.wait(turn, 0, 0);
      Atomics.store(turn, 0, 0);
      Atomics.notify(turn, 0, 1);
    }
  } else if (mode === 'idle') {
    parentPort.on('message', () => {});
  }
  return;
}

const quick = process.argv[2] === 'quick';
const median = (a) => { const s = Float64Array.from(a).sort(); return s[Math.floor(s.length / 2)]; };
const nowNs = () => process.hrtime.bigint();
const start = (data) => new Worker(__filename, { workerData: data });
const online = (w) => new Promise((res) => w.once('online', res));
const exit = (w) => new Promise((res) => w.once('exit', res));

async function rtt() {
  const w = start({ mode: 'echo' });
  await online(w);
  const rounds = quick ? 5000 : 50000;
  const samples = [];
  let t0;
  await new Promise((done) => {
    let i = 0;
    w.on('message', () => {
      samples.push(Number(nowNs() - t0) / 1000);
      if (++i === rounds) return done();
      t0 = nowNs(); w.postMessage(i);
    });
    t0 = nowNs(); w.postMessage(0);
  });
  await w.terminate();
  return median(samples.slice(samples.length / 5));
}

async function atomicsRtt() {
  const rounds = quick ? 5000 : 50000;
  const sab = new SharedArrayBuffer(4);
  const turn = new Int32Array(sab);
  const w = start({ mode: 'atomics', sab, rounds });
  const exited = exit(w);
  await online(w);
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = nowNs();
    Atomics.store(turn, 0, 1);
    Atomics.notify(turn, 0, 1);
    while (Atomics.load(turn, 0) !== 0) Atomics.wait(turn, 0, 1);
    samples.push(Number(nowNs() - t0) / 1000);
  }
  await exited;
  return median(samples.slice(samples.length / 5));
}

async function startMs() {
  const n = quick ? 10 : 40;
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = nowNs();
    const w = start({ mode: 'none' });
    const exited = exit(w); // listen before awaiting: 'exit' can follow 'online' in the same tick
    await online(w);
    samples.push(Number(nowNs() - t0) / 1e6);
    await exited;
  }
  return median(samples.slice(2));
}

async function idleBytes() {
  const n = quick ? 10 : 40;
  global.gc && global.gc();
  const before = process.memoryUsage().rss;
  const ws = [];
  for (let i = 0; i < n; i++) { const w = start({ mode: 'idle' }); ws.push(w); await online(w); }
  await new Promise((r) => setTimeout(r, 300));
  const after = process.memoryUsage().rss;
  await Promise.all(ws.map((w) => w.terminate()));
  return (after - before) / n;
}

async function msgsPerSec() {
  const total = quick ? 200000 : 1000000;
  const w = start({ mode: 'count', total });
  await online(w);
  const t0 = nowNs();
  const done = new Promise((res) => w.once('message', res));
  for (let i = 0; i < total; i++) w.postMessage(1);
  await done;
  const s = Number(nowNs() - t0) / 1e9;
  await w.terminate();
  return total / s;
}

(async () => {
  const out = {
    'worker.rtt_p50_us': await rtt(),
    'atomics.rtt_p50_us': await atomicsRtt(),
    'worker.start_ms': await startMs(),
    'worker.idle_bytes': await idleBytes(),
    'worker.msgs_per_s': await msgsPerSec(),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((e) => { console.error(e); process.exit(1); });
