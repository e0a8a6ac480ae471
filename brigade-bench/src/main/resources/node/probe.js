// Smoke script for NodePeer: prints one JSON object with node's version and the arguments.
'use strict';
process.stdout.write(JSON.stringify({ node: process.version, args: process.argv.slice(2) }) + '\n');
