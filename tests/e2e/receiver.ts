// A real HTTP receiver on 127.0.0.1 for the delivery tests: records every request and answers
// with the status the test chose.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

export class Receiver {
  readonly received: Received[] = [];
  status = 200;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    let self: Receiver;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        self.received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.writeHead(self.status, { 'content-type': 'application/json', 'x-receiver': 'e2e' });
        res.end(JSON.stringify({ received: true, status: self.status }));
      });
    });
    self = new Receiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop() {
    // The server's HTTP client keeps connections alive; close() alone would wait for them.
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.server.closeAllConnections();
    await closed;
  }
}
