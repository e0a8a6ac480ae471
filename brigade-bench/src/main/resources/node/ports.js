// Node peer of `brigade bench ports`: a hello-world HTTP server, run either as a Node cluster
// (`node ports.js cluster <workers> <port>`: prints {"port": N} once every worker listens) or as
// the app PM2 clusters (`node ports.js app`, port from $PORT).
'use strict';
const cluster = require('node:cluster');
const http = require('node:http');

function serve(port) {
  http.createServer((req, res) => {
    const body = 'hello from ' + process.pid + '\n';
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }).listen(port, '127.0.0.1');
}

const mode = process.argv[2];
if (mode === 'app') {
  serve(+process.env.PORT);
} else if (cluster.isPrimary) {
  const n = +process.argv[3];
  let ready = 0;
  cluster.on('listening', (w, addr) => {
    if (++ready === n) process.stdout.write(JSON.stringify({ port: addr.port }) + '\n');
  });
  for (let i = 0; i < n; i++) cluster.fork();
} else {
  serve(+process.argv[4]);
}
