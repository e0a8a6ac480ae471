// Brigade's dashboard: one EventSource (/events), a table, two uPlot charts and the log of each app.
(() => {
  'use strict';
  const token = new URLSearchParams(location.search).get('token') || '';
  const WINDOW_S = 300;          // the charts show the last 5 minutes
  const LOG_LINES = 200;         // lines kept per app on the page
  const COLORS = ['#2f6fde', '#1f9d55', '#c97a00', '#d64545', '#8e44ad', '#16a085', '#7f8c8d', '#e67e22'];
  const apps = new Map();        // name -> {el, tbody, log, charts, history, keys}
  let readOnly = true;

  const $ = (id) => document.getElementById(id);
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const c of children) e.append(c);
    return e;
  }
  const mb = (b) => (b / 1048576).toFixed(1) + ' MB';
  function uptime(ms) {
    if (!ms) return '–';
    const s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
    return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
  }
  function stateClass(s) {
    if (s === 'listening' || s === 'online') return 'state good';
    if (s === 'errored' || s === 'stopped' || s === 'wrong-port') return 'state bad';
    return 'state wait';
  }

  let toastTimer;
  function toast(text, bad) {
    const t = $('toast');
    t.textContent = text;
    t.className = bad ? 'toast bad' : 'toast';
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 5000);
  }

  async function act(name, action, body) {
    toast(`${action} ${name}…`);
    try {
      const r = await fetch(`api/apps/${encodeURIComponent(name)}/${action}`, {
        method: 'POST', headers: { 'X-Brigade-Token': token, 'Content-Type': 'application/json' },
        body: JSON.stringify(body || {}), credentials: 'omit', cache: 'no-store' });
      const j = await r.json();
      toast(j.message || (r.ok ? 'done' : 'refused'), !r.ok);
    } catch (e) {
      toast(`${action} ${name} failed: ${e}`, true);
    }
  }

  function actions(name) {
    const n = el('input', { type: 'number', min: 1, max: 1024, className: 'n', title: 'instances' });
    const scale = el('button', { textContent: 'scale', onclick: () => act(name, 'scale', { instances: Number(n.value) }) });
    const btn = (a, cls) => el('button', { textContent: a, className: cls || '', onclick: () => {
      if (a !== 'stop' || confirm(`Stop ${name}?`)) act(name, a);
    } });
    const box = el('div', { className: 'actions' }, btn('reload'), btn('restart'), n, scale, btn('stop', 'danger'));
    box.scaleInput = n;
    return box;
  }

  function chart(title, fmt) {
    const box = el('div', { className: 'chart' }, el('h3', { textContent: title }));
    return { box, fmt, plot: null };
  }

  function makeApp(a) {
    const tbody = el('tbody');
    const head = el('tr', {}, ...['instance', 'pid', 'state', 'cpu', 'memory', 'restarts', 'uptime', 'port']
      .map((h, i) => el('th', { textContent: h, className: i === 0 || i === 2 ? '' : 'num' })));
    const cpu = chart('CPU % per worker', (v) => v == null ? '' : v.toFixed(1) + '%');
    const mem = chart('memory (MB) per worker', (v) => v == null ? '' : v.toFixed(0) + ' MB');
    const tag = el('span', { className: 'tag' });
    const act = actions(a.name);
    act.hidden = readOnly;
    const log = el('pre', { className: 'log' });
    const section = el('section', { className: 'app' },
      el('div', { className: 'head' }, el('h2', { textContent: a.name }), tag, act),
      el('table', {}, el('thead', {}, head), tbody),
      el('div', { className: 'charts' }, cpu.box, mem.box), log);
    section.dataset.app = a.name;
    $('apps').append(section);
    return { section, tbody, tag, act, log, cpu, mem, history: { t: [], cpu: new Map(), mem: new Map() }, keys: '' };
  }

  function row(w) {
    const tr = el('tr', { className: 'worker' },
      el('td', { textContent: w.instance }),
      el('td', { textContent: w.pid || '–', className: 'num' }),
      el('td', { textContent: w.state, className: stateClass(w.state) }),
      el('td', { textContent: w.cpu.toFixed(1) + '%', className: 'num' }),
      el('td', { textContent: w.rss ? mb(w.rss) : '–', className: 'num' }),
      el('td', { textContent: w.restarts, className: 'num' }),
      el('td', { textContent: uptime(w.uptimeMs), className: 'num' }),
      el('td', { textContent: w.port || '–', className: 'num' }));
    tr.dataset.instance = w.instance;
    tr.dataset.pid = w.pid;
    tr.dataset.state = w.state;
    return tr;
  }

  function record(app, a, t) {
    const h = app.history;
    h.t.push(t);
    const len = h.t.length;
    for (const w of a.workers) {
      for (const [m, v] of [[h.cpu, w.pid ? w.cpu : null], [h.mem, w.pid ? w.rss / 1048576 : null]]) {
        if (!m.has(w.instance)) m.set(w.instance, new Array(len - 1).fill(null));
        m.get(w.instance).push(v);
      }
    }
    for (const m of [h.cpu, h.mem]) {
      for (const [k, arr] of m) {
        if (arr.length < len) arr.push(null);
        if (!a.workers.some((w) => w.instance === k) && arr.every((v) => v == null)) m.delete(k);
      }
    }
    while (h.t.length && h.t[0] < t - WINDOW_S) {
      h.t.shift();
      for (const m of [h.cpu, h.mem]) for (const arr of m.values()) arr.shift();
    }
  }

  function draw(app) {
    if (typeof uPlot === 'undefined') return;
    const keys = [...app.history.cpu.keys()].sort((x, y) => x - y);
    const rebuild = keys.join(',') !== app.keys;
    app.keys = keys.join(',');
    for (const [c, m] of [[app.cpu, app.history.cpu], [app.mem, app.history.mem]]) {
      const data = [app.history.t, ...keys.map((k) => m.get(k))];
      if (rebuild || !c.plot) {
        if (c.plot) c.plot.destroy();
        const width = Math.max(260, c.box.clientWidth || 320);
        c.plot = new uPlot({
          width, height: 130, legend: { live: false }, cursor: { y: false },
          scales: { x: { time: true }, y: { range: (u, lo, hi) => [0, Math.max(hi * 1.1, c === app.cpu ? 5 : 16)] } },
          axes: [{ size: 28 }, { size: 44, values: (u, v) => v.map((x) => x.toFixed(0)) }],
          series: [{}, ...keys.map((k, i) => ({ label: `#${k}`, stroke: COLORS[i % COLORS.length], width: 1.5,
            spanGaps: false, points: { show: false }, value: (u, v) => c.fmt(v) }))],
        }, data, c.box);
      } else {
        c.plot.setData(data);
      }
    }
  }

  function appendLogs(app, name, lines) {
    for (const [instance, stderr, text] of lines) {
      app.log.append(el('span', { className: 'src', textContent: `${name}-${instance} | ` }),
        el('span', { className: stderr ? 'err' : '', textContent: text + '\n' }));
    }
    while (app.log.childNodes.length > LOG_LINES * 2) app.log.firstChild.remove();
    if (lines.length) app.log.scrollTop = app.log.scrollHeight;
  }

  function update(s) {
    readOnly = s.readOnly;
    $('ro').hidden = !readOnly;
    const t = s.t / 1000;
    const seen = new Set();
    for (const a of s.apps) {
      seen.add(a.name);
      let app = apps.get(a.name);
      if (!app) {
        app = makeApp(a);
        apps.set(a.name, app);
      }
      app.act.hidden = readOnly;
      if (!app.act.scaleInput.matches(':focus')) app.act.scaleInput.value = a.desired;
      app.tag.textContent = `${a.mode} · ${a.workers.length} of ${a.desired} · ${a.port ? 'port ' + a.port : 'no port'}`;
      app.tbody.replaceChildren(...a.workers.map(row));
      record(app, a, t);
      draw(app);
      appendLogs(app, a.name, (s.logs && s.logs[a.name]) || []);
    }
    for (const [name, app] of apps) {
      if (!seen.has(name)) {
        app.section.remove();
        apps.delete(name);
      }
    }
    $('empty').hidden = apps.size > 0;
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  }

  function connect() {
    const live = $('live');
    const es = new EventSource(`events?token=${encodeURIComponent(token)}`);
    es.onopen = () => { live.textContent = 'live'; live.className = 'live'; };
    es.onmessage = (e) => update(JSON.parse(e.data));
    es.onerror = () => { live.textContent = 'reconnecting…'; live.className = 'live off'; };
  }

  $('metrics').href = `metrics?token=${encodeURIComponent(token)}`;
  connect();
})();
