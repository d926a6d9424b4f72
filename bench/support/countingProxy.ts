import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of one endpoint that counts the response bytes it relays (bodies, after any
 * encoding on the wire), so that a benchmark measures what the plugin downloads without the emulator's help.
 */
export class CountingProxy {
  bytes = 0;
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(target: string, counter: { bytes: number } = { bytes: 0 }): Promise<CountingProxy> {
    const to = new URL(target);
    let proxy: CountingProxy | undefined;
    const server = createServer((req, res) => {
      const out = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.on('data', (chunk: Buffer) => (proxy!.bytes += chunk.length));
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new CountingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}${to.pathname === '/' ? '' : to.pathname}`);
    return proxy;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
