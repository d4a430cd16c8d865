import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An instance the endpoint serves. Only `id` is required; the rest has plausible defaults. */
export interface FakeInstance {
  readonly id: string;
  readonly type?: string;
  readonly az?: string;
  readonly state?: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
  readonly privateIp?: string;
  readonly publicIp?: string;
  readonly privateDns?: string;
  readonly publicDns?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly volumes?: readonly string[];
}

/** A canned error: the HTTP status and EC2's error code and message. */
export interface FakeError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** One request the endpoint received, decoded. */
export interface RecordedRequest {
  readonly action: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface Ec2EndpointOptions {
  /** Instances by region (the region is read from the request's SigV4 credential scope). */
  readonly regions: Readonly<Record<string, readonly FakeInstance[]>>;
  /** Most instances per page, whatever MaxResults asks (default 1000). */
  readonly pageSize?: number;
  /** Access keys that exist; others get AuthFailure (default: any key). */
  readonly accessKeys?: readonly string[];
  /** Access keys that exist but may not call DescribeInstances (UnauthorizedOperation). */
  readonly deniedKeys?: readonly string[];
}

const SUPPORTED_FILTERS = new Set([
  'instance-state-name',
  'instance-id',
  'instance-type',
  'availability-zone',
  'tag-key',
  'private-ip-address',
]);
const STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

/**
 * A local HTTP server that speaks the EC2 Query protocol (form-encoded POST,
 * XML answers) for DescribeInstances: filters (tag:KEY, tag-key,
 * instance-state-name, instance-id, instance-type, availability-zone,
 * private-ip-address, with * and ? wildcards), MaxResults/NextToken paging,
 * EC2's error documents. The real SDK client talks to it through `endpoint`.
 */
export class Ec2Endpoint {
  readonly requests: RecordedRequest[] = [];
  private readonly failures: FakeError[] = [];

  private constructor(
    private readonly server: Server,
    private readonly options: Ec2EndpointOptions,
  ) {}

  static async start(options: Ec2EndpointOptions): Promise<Ec2Endpoint> {
    let endpoint: Ec2Endpoint | undefined;
    const server = createServer((req, res) => void endpoint!.handle(req, res));
    endpoint = new Ec2Endpoint(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  /** `http://127.0.0.1:PORT`, for the config's `endpoint`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests (one per entry) fail with these errors, whatever they ask. */
  failNext(...errors: FakeError[]): void {
    this.failures.push(...errors);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/ec2\/aws4_request/.exec(req.headers.authorization ?? '');
    const request: RecordedRequest = { action: params.Action ?? '', region: scope?.[2] ?? '', accessKeyId: scope?.[1] ?? '', params };
    this.requests.push(request);

    const failure = this.failures.shift();
    if (failure !== undefined) return this.error(res, failure);
    if (scope === null)
      return this.error(res, { status: 401, code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials' });
    if (this.options.accessKeys !== undefined && !this.options.accessKeys.includes(request.accessKeyId)) {
      return this.error(res, { status: 401, code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials' });
    }
    if (this.options.deniedKeys?.includes(request.accessKeyId)) {
      return this.error(res, { status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' });
    }
    if (request.action !== 'DescribeInstances') {
      return this.error(res, {
        status: 400,
        code: 'InvalidAction',
        message: `The action ${request.action} is not valid for this web service.`,
      });
    }
    this.describeInstances(res, request);
  }

  private describeInstances(res: ServerResponse, request: RecordedRequest): void {
    const filters = readFilters(request.params);
    for (const f of filters) {
      if (!SUPPORTED_FILTERS.has(f.name) && !f.name.startsWith('tag:')) {
        this.error(res, { status: 400, code: 'InvalidParameterValue', message: `The filter '${f.name}' is invalid` });
        return;
      }
    }
    const matching = (this.options.regions[request.region] ?? []).filter((i) => filters.every((f) => matches(i, f)));
    const max = Number(request.params.MaxResults ?? '1000');
    if (request.params.MaxResults !== undefined && (max < 5 || max > 1000)) {
      this.error(res, {
        status: 400,
        code: 'InvalidParameterValue',
        message: 'Value for parameter maxResults is invalid. Expecting a value between 5 and 1000.',
      });
      return;
    }
    const pageSize = Math.min(max, this.options.pageSize ?? 1000);
    let start = 0;
    if (request.params.NextToken !== undefined) {
      start = Number(
        Buffer.from(request.params.NextToken, 'base64url')
          .toString('utf8')
          .replace(/^offset:/, ''),
      );
      if (!Number.isInteger(start) || start < 0) {
        this.error(res, { status: 400, code: 'InvalidParameterValue', message: 'The token is invalid' });
        return;
      }
    }
    const page = matching.slice(start, start + pageSize);
    const next = start + pageSize < matching.length ? Buffer.from(`offset:${start + pageSize}`).toString('base64url') : undefined;
    const reservations = page
      .map(
        (i, n) =>
          `<item><reservationId>r-${String(start + n).padStart(8, '0')}</reservationId><ownerId>123456789012</ownerId><groupSet/>` +
          `<instancesSet>${instanceXml(i, request.region)}</instancesSet></item>`,
      )
      .join('');
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
      `<requestId>${requestId()}</requestId><reservationSet>${reservations}</reservationSet>` +
      (next === undefined ? '' : `<nextToken>${next}</nextToken>`) +
      `</DescribeInstancesResponse>`;
    res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
    res.end(body);
  }

  private error(res: ServerResponse, error: FakeError): void {
    res.writeHead(error.status, { 'content-type': 'text/xml;charset=UTF-8' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xml(error.code)}</Code>` +
        `<Message>${xml(error.message)}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`,
    );
  }
}

function readFilters(params: Readonly<Record<string, string>>): { name: string; values: string[] }[] {
  const filters: { name: string; values: string[] }[] = [];
  for (let n = 1; params[`Filter.${n}.Name`] !== undefined; n++) {
    const values: string[] = [];
    for (let m = 1; params[`Filter.${n}.Value.${m}`] !== undefined; m++) values.push(params[`Filter.${n}.Value.${m}`]!);
    filters.push({ name: params[`Filter.${n}.Name`]!, values });
  }
  return filters;
}

function matches(instance: FakeInstance, filter: { name: string; values: string[] }): boolean {
  const tags = instance.tags ?? {};
  const fields: Record<string, string | undefined> = {
    'instance-state-name': instance.state ?? 'running',
    'instance-id': instance.id,
    'instance-type': instance.type ?? 't3.micro',
    'availability-zone': instance.az,
    'private-ip-address': instance.privateIp,
  };
  let candidates: (string | undefined)[] = [fields[filter.name]];
  if (filter.name.startsWith('tag:')) candidates = [tags[filter.name.slice(4)]];
  if (filter.name === 'tag-key') candidates = Object.keys(tags);
  return candidates.some((c) => c !== undefined && filter.values.some((v) => wildcard(v).test(c)));
}

function wildcard(value: string): RegExp {
  return new RegExp(
    `^${value
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
}

function instanceXml(i: FakeInstance, region: string): string {
  const state = i.state ?? 'running';
  const opt = (tag: string, value: string | undefined): string => (value === undefined ? '' : `<${tag}>${xml(value)}</${tag}>`);
  const volumes = (i.volumes ?? [])
    .map(
      (v, n) =>
        `<item><deviceName>/dev/xvd${String.fromCharCode(97 + n)}</deviceName><ebs><volumeId>${xml(v)}</volumeId>` +
        `<status>attached</status><attachTime>2024-01-01T00:00:00.000Z</attachTime><deleteOnTermination>true</deleteOnTermination></ebs></item>`,
    )
    .join('');
  const tags = Object.entries(i.tags ?? {})
    .map(([k, v]) => `<item><key>${xml(k)}</key><value>${xml(v)}</value></item>`)
    .join('');
  return (
    `<item><instanceId>${xml(i.id)}</instanceId><imageId>ami-0123456789abcdef0</imageId>` +
    `<instanceState><code>${STATE_CODES[state]}</code><name>${state}</name></instanceState>` +
    `<privateDnsName>${xml(i.privateDns ?? '')}</privateDnsName><dnsName>${xml(i.publicDns ?? '')}</dnsName>` +
    `<instanceType>${xml(i.type ?? 't3.micro')}</instanceType><launchTime>2024-01-01T00:00:00.000Z</launchTime>` +
    `<placement><availabilityZone>${xml(i.az ?? `${region}a`)}</availabilityZone><tenancy>default</tenancy></placement>` +
    opt('privateIpAddress', i.privateIp) +
    opt('ipAddress', i.publicIp) +
    `<vpcId>vpc-0abc</vpcId><subnetId>subnet-0abc</subnetId>` +
    `<blockDeviceMapping>${volumes}</blockDeviceMapping>` +
    (tags === '' ? '' : `<tagSet>${tags}</tagSet>`) +
    `</item>`
  );
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

let counter = 0;
function requestId(): string {
  counter++;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}
