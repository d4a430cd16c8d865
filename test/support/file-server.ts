import { createServer, type Server } from 'node:http';

/** A static HTTP server on 127.0.0.1 for download tests: what it serves, and what it was asked. */
export interface FileServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly origin: string;
  /** Serves `body` at `path` (the raw request target, e.g. `/a%20b/x.tgz?v=1`); other paths are 404. */
  serve(path: string, body: Uint8Array | string): void;
  /** The requests so far, in order: the raw target and the client's User-Agent (curl/…, Wget/…). */
  readonly requests: { readonly target: string; readonly agent: string }[];
  close(): Promise<void>;
}

/** Starts a file server on a free port of 127.0.0.1 (test hosts and chroots share the machine's network). */
export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, Buffer>();
  const requests: { target: string; agent: string }[] = [];
  const server: Server = createServer((request, response) => {
    const target = request.url ?? '';
    requests.push({ target, agent: request.headers['user-agent'] ?? '' });
    const body = files.get(target);
    if (body === undefined) {
      response.writeHead(404).end('not found\n');
      return;
    }
    response.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    serve: (path, body) => files.set(path, Buffer.from(body)),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
