// The tutorial's greeting server as a Node.js developer would write it: `net` and setTimeout.
// A benchmark baseline, same bytes on the wire: one read is one message, as in the tutorial;
// messages are taken one at a time, each answered after the delay.
//
//   node server.js [PORT] [DELAY_MS]   (defaults 9999 1000; port 0 binds a free port)
'use strict';
const net = require('net');

const port = process.argv.length > 2 ? Number(process.argv[2]) : 9999;
const delay = process.argv.length > 3 ? Number(process.argv[3]) : 1000;
const exit = Buffer.from('exit');

const server = net.createServer((socket) => {
  const queue = [];
  let busy = false;
  socket.on('error', () => socket.destroy());
  socket.write('Welcome!');

  // recv, sleep, reply: the next message waits until this one is answered.
  const next = () => {
    if (busy || queue.length === 0) return;
    busy = true;
    const data = queue.shift();
    setTimeout(() => {
      busy = false;
      if (data === null || data.equals(exit)) {
        socket.end();
        return;
      }
      socket.write(Buffer.concat([Buffer.from('Hello, '), data, Buffer.from('!')]));
      next();
    }, delay);
  };
  socket.on('data', (data) => {
    // The tutorial's recv(1024): a larger read is several messages.
    for (let i = 0; i < data.length; i += 1024) queue.push(data.subarray(i, i + 1024));
    next();
  });
  socket.on('end', () => { queue.push(null); next(); });
});

server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
  console.log(`Listening on 127.0.0.1:${server.address().port}`);
  console.log('Waiting for connection...');
});
