import { createServer } from 'node:http';

/**
 * The baseline for the emulator's GET benchmark: plain node:http answering a fixed JSON body of the same size, with
 * no routing, auth or model. The ratio says what the emulator's own work costs.
 */
const body = process.argv[2] ?? '{}';
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
