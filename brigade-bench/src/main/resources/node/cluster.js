// Node peer of `brigade bench cluster`: fork -> online, IPC round trip, idle worker PSS and
// restart time with Node's cluster module, same conditions as the Java side (idle machine).
// Usage: node cluster.js [quick]  -> one JSON object on stdout.
'use strict';
const cluster = require('node:cluster');
const fs = require('node:fs');

if (cluster.isWorker) {
  process.on('message', (m) => process.send(m));
  return;
}

const quick = process.argv[2] === 'quick';
const median = (a) => { const s = Float64Array.from(a).sort(); return s[Math.floor(s.length / 2)]; };
const nowNs = () => process.hrtime.bigint();
const ms = (t0) => Number(nowNs() - t0) / 1e6;
const once = (w, ev) => new Promise((res) => w.once(ev, res));
const sleep = (t) => new Promise((res) => setTimeout(res, t));
const pssMb = (pid) => {
  const line = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n').find((l) => l.startsWith('Pss:'));
  return Number(line.split(/\s+/)[1]) / 1024;
};

(async () => {
  const out = {};
  const forks = quick ? 5 : 20;
  const f = [];
  for (let i = 0; i < forks; i++) {
    const t0 = nowNs();
    const w = cluster.fork();
    await once(w, 'online');
    f.push(ms(t0));
    w.disconnect();
    await once(w, 'exit');
  }
  out['cluster.fork_online_ms'] = median(f);

  const w = cluster.fork();
  await once(w, 'online');
  const rtts = quick ? 5000 : 50000;
  const r = [];
  for (let i = 0; i < rtts / 5 + rtts; i++) {
    const t0 = nowNs();
    w.send('ping');
    await once(w, 'message');
    if (i >= rtts / 5) r.push(Number(nowNs() - t0) / 1e3);
  }
  out['cluster.ipc_rtt_p50_us'] = median(r);
  const w2 = cluster.fork();
  await once(w2, 'online');
  w2.send('ping');
  await once(w2, 'message');
  await sleep(5000); // as long as ClusterProbes.IDLE_MILLIS
  out['cluster.idle_worker_pss_mb'] = median([pssMb(w.process.pid), pssMb(w2.process.pid)]);
  w2.disconnect();
  await once(w2, 'exit');

  const restarts = quick ? 5 : 20;
  const rs = [];
  let cur = w;
  for (let i = 0; i < restarts; i++) {
    const t0 = nowNs();
    const replaced = new Promise((res) => cur.once('exit', () => {
      const n = cluster.fork();
      n.once('online', () => res(n));
    }));
    cur.process.kill('SIGKILL');
    cur = await replaced;
    rs.push(ms(t0));
  }
  out['cluster.restart_ms'] = median(rs);
  cur.disconnect();
  await once(cur, 'exit');
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((e) => { console.error(e); process.exit(1); });
