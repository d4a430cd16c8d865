import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What one request gets. moto answers every request correctly, so these are the answers
 * only a hand-written endpoint can give: silence, a proxy's HTML page, a real answer cut
 * short, a real answer sent a few bytes at a time (never silent, never done), an EC2 error (throttling, 5xx, 403) that moto never sends without IAM set up.
 */
export type Misbehaviour =
  | { readonly kind: 'hang' }
  | { readonly kind: 'html' }
  | { readonly kind: 'truncated' }
  | { readonly kind: 'trickle' }
  | { readonly kind: 'error'; readonly status: number; readonly code: string; readonly message: string };

/** One request the endpoint received. */
export interface ReceivedRequest {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * A local HTTP endpoint in front of moto: each request takes the next queued misbehaviour,
 * or `always` when the queue is empty, or is forwarded to moto (`upstream`) unchanged.
 */
export class MisbehavingEndpoint {
  readonly requests: ReceivedRequest[] = [];
  private readonly queue: Misbehaviour[] = [];
  private readonly hung: ServerResponse[] = [];

  private constructor(
    private readonly server: Server,
    private readonly upstream: string | undefined,
    private readonly always: Misbehaviour | undefined,
    private readonly pageSize: number | undefined,
  ) {}

  /**
   * `pageSize` lowers the MaxResults forwarded to moto (the SDK asks 1000 a page), so a
   * few instances take several NextToken pages.
   */
  static async start(options: {
    readonly upstream?: string;
    readonly always?: Misbehaviour;
    readonly pageSize?: number;
  }): Promise<MisbehavingEndpoint> {
    let endpoint: MisbehavingEndpoint | undefined;
    const server = createServer((req, res) => void endpoint!.handle(req, res));
    endpoint = new MisbehavingEndpoint(server, options.upstream, options.always, options.pageSize);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  /** `http://127.0.0.1:PORT`, for the config's `endpoint`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests (one per entry) get these answers. */
  next(...answers: Misbehaviour[]): void {
    this.queue.push(...answers);
  }

  async close(): Promise<void> {
    for (const res of this.hung.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks);
    const form = new URLSearchParams(body.toString('utf8'));
    const params = Object.fromEntries(form);
    if (this.pageSize !== undefined && form.has('MaxResults')) {
      form.set('MaxResults', String(this.pageSize));
      body = Buffer.from(form.toString());
    }
    this.requests.push({ action: params.Action ?? '', params });
    const answer = this.queue.shift() ?? this.always;
    if (answer?.kind === 'hang') {
      this.hung.push(res);
      return;
    }
    if (answer?.kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html>\n<html><head><title>Access denied</title></head><body><h1>Proxy: please log in</h1></body></html>\n');
      return;
    }
    if (answer?.kind === 'error') {
      res.writeHead(answer.status, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${answer.code}</Code>` +
          `<Message>${answer.message}</Message></Error></Errors><RequestID>00000000-0000-4000-8000-000000000001</RequestID></Response>`,
      );
      return;
    }
    if (this.upstream === undefined) throw new Error('nothing to forward to: give `upstream` or queue an answer');
    const forwarded = await fetch(`${this.upstream}${req.url ?? '/'}`, {
      method: req.method ?? 'POST',
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<
        string,
        string
      >,
      ...(body.length > 0 ? { body } : {}),
    });
    const text = Buffer.from(await forwarded.arrayBuffer());
    if (answer?.kind === 'trickle') {
      res.writeHead(forwarded.status, { 'content-type': 'text/xml' });
      this.hung.push(res);
      let sent = 0;
      const drip = setInterval(() => {
        if (res.destroyed || sent >= text.length) return clearInterval(drip);
        res.write(text.subarray(sent, sent + 8));
        sent += 8;
      }, 100);
      return;
    }
    // A real answer, cut in the middle: what a dropped proxy connection leaves.
    const sent = answer?.kind === 'truncated' ? text.subarray(0, Math.floor(text.length / 2)) : text;
    res.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'text/xml' });
    res.end(sent);
  }
}
