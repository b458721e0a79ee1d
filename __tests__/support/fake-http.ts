// The pieces the local S3, SSM and STS endpoints share: a loopback HTTP server that closes with every
// socket and timer it owns, the per-operation fault schedule, the controls every fake exposes, and
// small helpers (reading a body, resetting a connection, escaping XML, request ids).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How to apply an injected fault. `after` skips that many matching calls first; `times` defaults to 1. */
export interface InjectOptions {
  times?: number;
  after?: number;
  /** For `stall`: answer normally after this many ms instead of never. */
  stallMs?: number;
}

/** A scheduled fault; `remaining` counts down as it fires, `cancel()` removes it. */
export interface FaultHandle {
  readonly remaining: number;
  readonly fired: number;
  cancel(): void;
}

interface FaultRule<F> {
  op: string;
  fault: F;
  skip: number;
  remaining: number;
  fired: number;
  stallMs: number | undefined;
}

/** Per-operation fault rules ("the next N calls of Op after skipping M"); `*` matches every operation. */
export class FaultSchedule<F extends string> {
  private rules: FaultRule<F>[] = [];

  add(op: string, fault: F, opts: InjectOptions = {}): FaultHandle {
    const times = opts.times ?? 1;
    const after = opts.after ?? 0;
    if (!(times >= 1) || !(after >= 0)) throw new RangeError(`inject: times must be >= 1 and after >= 0`);
    const rule: FaultRule<F> = { op, fault, skip: after, remaining: times, fired: 0, stallMs: opts.stallMs };
    this.rules.push(rule);
    return {
      get remaining() {
        return rule.remaining;
      },
      get fired() {
        return rule.fired;
      },
      cancel: () => {
        rule.remaining = 0;
        this.rules = this.rules.filter((r) => r !== rule);
      },
    };
  }

  /** The fault for this call, if any. Every matching rule sees the call; the first due one fires. */
  take(op: string): { fault: F; stallMs: number | undefined } | undefined {
    let hit: { fault: F; stallMs: number | undefined } | undefined;
    for (const r of this.rules) {
      if (r.op !== op && r.op !== '*') continue;
      if (r.skip > 0) {
        r.skip--;
        continue;
      }
      if (!hit && r.remaining > 0) {
        r.remaining--;
        r.fired++;
        hit = { fault: r.fault, stallMs: r.stallMs };
      }
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return hit;
  }

  clear(): void {
    this.rules = [];
  }
}

/** A loopback HTTP server that can be closed with every socket and timer it owns, with its fault schedule. */
export class Harness<F extends string = string> {
  readonly server: http.Server;
  readonly faults = new FaultSchedule<F>();
  /** While true the fake holds every request unanswered (until close, or until switched off for new requests). */
  stallAll = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly stalled = new Set<http.ServerResponse>();
  private closed = false;

  constructor(handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) {
    this.server = http.createServer((req, res) => {
      handler(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`fake server bug: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        } else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 1000;
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Starts listening; the controls every fake exposes over this harness. */
  async start(): Promise<FakeControls<F>> {
    const port = await this.listen();
    const controls = {
      endpoint: `http://127.0.0.1:${port}`,
      port,
      close: () => this.close(),
      inject: (op: string, fault: F, o?: InjectOptions) => this.faults.add(op, fault, o),
      clearFaults: () => this.faults.clear(),
    };
    return Object.defineProperty(controls, 'stallAll', {
      get: () => this.stallAll,
      set: (v: boolean) => {
        this.stallAll = v;
      },
      enumerable: true,
    }) as FakeControls<F>;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** setTimeout that close() clears. */
  later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  /** Holds the response: never answered (until close) or, with `ms`, resumed by `then` after that delay. */
  stall(res: http.ServerResponse, ms: number | undefined, then: () => void): void {
    this.stalled.add(res);
    res.on('close', () => this.stalled.delete(res));
    if (ms !== undefined && Number.isFinite(ms)) {
      this.later(ms, () => {
        this.stalled.delete(res);
        if (!res.destroyed) then();
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const res of this.stalled) res.destroy();
    this.stalled.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await done;
  }
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Destroys the connection without an answer (the client sees ECONNRESET / "socket hang up"). */
export function resetConnection(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.socket.destroy();
  res.destroy();
}

export function xmlEscape(s: string): string {
  return s
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** Deterministic request ids: `<prefix><counter as 16 hex digits>` (upper-case). */
export function idMaker(prefix = ''): () => string {
  let n = 0;
  return () =>
    `${prefix}${(++n)
      .toString(16)
      .toUpperCase()
      .padStart(16 - prefix.length, '0')}`;
}

/** What every fake offers besides its own state: where it listens, closing it, and its faults. */
export interface FakeControls<F extends string, Op extends string = string> {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
  inject(op: Op | '*', fault: F, opts?: InjectOptions): FaultHandle;
  clearFaults(): void;
  /** While true every request is held unanswered (until close, or until switched off for new requests). */
  stallAll: boolean;
}
