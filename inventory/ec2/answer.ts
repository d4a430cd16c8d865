import type { EC2Client } from '@aws-sdk/client-ec2';

/** An answer that is not the EC2 response asked for: a proxy's HTML page, a cut-off document. */
export class MalformedAnswer extends Error {
  override name = 'MalformedAnswer';
}

interface RawRequest {
  readonly protocol?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly path?: string;
}
interface RawResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}
type Args = { request: unknown };
type Next = (args: Args) => Promise<{ response: unknown; output?: unknown }>;
type Context = { commandName?: string };

const ENDPOINT = Symbol('bosun.ec2.endpoint');

/** The endpoint URL a failed request went to, when the client's middleware saw it. */
export function endpointOf(error: unknown, _client: EC2Client): string | undefined {
  return error !== null && typeof error === 'object' ? (error as { [ENDPOINT]?: string })[ENDPOINT] : undefined;
}

/**
 * Adds to a client: (1) around the SDK's parsing, errors carry the endpoint URL asked;
 * (2) inside it, a successful answer must be the XML document of the operation asked
 * (`<DescribeInstancesResponse …>…</DescribeInstancesResponse>`), whole. The SDK's own
 * parser reads an HTML page or a truncated document as an empty answer (no instances),
 * which would make a broken proxy look like an empty fleet. The body must arrive within
 * `readTimeoutMs` of the headers (the SDK's timers stop at the headers and then only
 * watch for silence, which a trickling answer never is); a late body is a TimeoutError,
 * which the SDK retries.
 */
export function watchAnswers(client: EC2Client, readTimeoutMs: number): void {
  client.middlewareStack.add(
    ((next: Next) => async (args: Args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error !== null && typeof error === 'object') (error as { [ENDPOINT]?: string })[ENDPOINT] ??= urlOf(args.request as RawRequest);
        throw error;
      }
    }) as never,
    { step: 'deserialize', priority: 'high', name: 'bosunEc2Endpoint' },
  );
  client.middlewareStack.add(
    ((next: Next, context: Context) => async (args: Args) => {
      const result = await next(args);
      const response = result.response as RawResponse;
      if (response.statusCode < 200 || response.statusCode >= 300) return result;
      const body = await readBody(response.body, readTimeoutMs);
      response.body = body;
      const expected = `${(context.commandName ?? 'Command').replace(/Command$/, '')}Response`;
      const problem = malformed(new TextDecoder().decode(body), expected, response.headers['content-type']);
      if (problem !== undefined) {
        throw new MalformedAnswer(
          `the endpoint ${urlOf(args.request as RawRequest)} answered HTTP ${response.statusCode} with ${problem}, not an EC2 ${expected} (a proxy or a wrong endpoint?)`,
        );
      }
      return result;
    }) as never,
    { step: 'deserialize', priority: 'low', name: 'bosunEc2Answer' },
  );
}

/** What is wrong with a body that should be `<ROOT …>…</ROOT>`, or undefined when it looks whole. */
function malformed(text: string, root: string, contentType: string | undefined): string | undefined {
  const doc = text
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .trim();
  const start = `<${root}`;
  if (!doc.startsWith(start) || !/[\s>]/.test(doc[start.length] ?? '')) {
    const kind = /^<!doctype html|^<html/i.test(doc) || /html/i.test(contentType ?? '') ? 'an HTML page' : 'another document';
    return `${kind} (${JSON.stringify(doc.slice(0, 60))}${doc.length > 60 ? '…' : ''})`;
  }
  if (!doc.endsWith(`</${root}>`)) return `a document cut short after ${text.length} bytes (no closing </${root}>)`;
  return undefined;
}

async function readBody(body: unknown, timeoutMs: number): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  const stream = body as AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => void };
  const timer = setTimeout(() => {
    const late = Object.assign(new Error(`the answer did not arrive whole within ${timeoutMs / 1000} s`), { name: 'TimeoutError' });
    stream.destroy?.(late);
  }, timeoutMs);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks);
  } finally {
    clearTimeout(timer);
  }
}

function urlOf(request: RawRequest): string {
  const port = request.port === undefined ? '' : `:${request.port}`;
  return `${request.protocol ?? 'https:'}//${request.hostname ?? '?'}${port}${request.path ?? '/'}`;
}
