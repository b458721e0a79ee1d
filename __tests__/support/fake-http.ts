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
  /**
   * Called, synchronously, each time the fault takes effect: a held request once it is held, an
   * after-commit fault once the call was applied (before the answer is lost), any other as it answers.
   */
  onFire?: () => void;
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
  onFire: (() => void) | undefined;
}

/** A fault due for the current call: `fire()` when it takes effect, or `decline()` to leave it for a later call. */
export interface DueFault<F> {
  fault: F;
  stallMs: number | undefined;
  fire(): void;
  decline(): void;
}

/** Per-operation fault rules ("the next N calls of Op after skipping M"); `*` matches every operation. */
export class FaultSchedule<F extends string> {
  private rules: FaultRule<F>[] = [];

  add(op: string, fault: F, opts: InjectOptions = {}): FaultHandle {
    const times = opts.times ?? 1;
    const after = opts.after ?? 0;
    if (!(times >= 1) || !(after >= 0)) throw new RangeError(`inject: times must be >= 1 and after >= 0`);
    const rule: FaultRule<F> = {
      op,
      fault,
      skip: after,
      remaining: times,
      fired: 0,
      stallMs: opts.stallMs,
      onFire: opts.onFire,
    };
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
  take(op: string): DueFault<F> | undefined {
    let hit: FaultRule<F> | undefined;
    for (const r of this.rules) {
      if (r.op !== op && r.op !== '*') continue;
      if (r.skip > 0) {
        r.skip--;
        continue;
      }
      if (!hit && r.remaining > 0) {
        r.remaining--;
        r.fired++;
        hit = r;
      }
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    if (!hit) return undefined;
    const rule = hit;
    return {
      fault: rule.fault,
      stallMs: rule.stallMs,
      fire: () => rule.onFire?.(),
      decline: () => {
        rule.fired--;
        if (rule.remaining++ === 0) this.rules.unshift(rule);
      },
    };
  }

  clear(): void {
    this.rules = [];
  }
}

/** A request's place: the run it arrived in and its number among the requests of its operation in that run (from 1). */
export interface Arrival {
  run: number;
  nth: number;
}

/** Pause (ms) before a fake handles a request: `op`, the request, and its number in this run. */
export type DelayHook = (op: string, req: http.IncomingMessage, nth: number) => number;

/** A loopback HTTP server that can be closed with every socket and timer it owns, with its fault schedule. */
export class Harness<F extends string = string> {
  readonly server: http.Server;
  readonly faults = new FaultSchedule<F>();
  /** While true the fake holds every request unanswered (until close, or until switched off for new requests). */
  stallAll = false;
  /** Per-request pause before handling (see `DelayHook`); cleared by newRun(). */
  delay: DelayHook | undefined;
  private runNo = 1;
  private counts = new Map<string, number>();
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

  /** Counts a request of `op` for the current run (call it once per request, as it arrives). */
  arrive(op: string): Arrival {
    const nth = (this.counts.get(op) ?? 0) + 1;
    this.counts.set(op, nth);
    return { run: this.runNo, nth };
  }

  /** Waits for the delay hook's pause for this request, if any. */
  async paused(op: string, req: http.IncomingMessage, at: Arrival): Promise<void> {
    const ms = this.delay?.(op, req, at.nth) ?? 0;
    if (ms > 0) await new Promise<void>((resolve) => this.later(ms, resolve));
  }

  /** Ends the current run: faults, the delay hook and the per-run counts are cleared (the state is kept). */
  newRun(): void {
    this.faults.clear();
    this.delay = undefined;
    this.counts = new Map();
    this.runNo++;
  }

  /** Requests of `op` (of every operation without one) that arrived in the current run. */
  runCount(op?: string): number {
    if (op !== undefined) return this.counts.get(op) ?? 0;
    return [...this.counts.values()].reduce((a, n) => a + n, 0);
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
      newRun: () => this.newRun(),
      runCount: (op?: string) => this.runCount(op),
    };
    const live = (get: () => unknown, set?: (v: never) => void): PropertyDescriptor =>
      set ? { get, set, enumerable: true } : { get, enumerable: true };
    return Object.defineProperties(controls, {
      stallAll: live(
        () => this.stallAll,
        (v: boolean) => {
          this.stallAll = v;
        },
      ),
      delay: live(
        () => this.delay,
        (v: DelayHook | undefined) => {
          this.delay = v;
        },
      ),
      run: live(() => this.runNo),
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
  /** Pause before handling each request (random interleavings); cleared by newRun(). */
  delay: DelayHook | undefined;
  /** The current run (from 1); every call record names the run it arrived in. */
  readonly run: number;
  /** Starts a new run: clears the faults, the delay hook and the per-run counts; the stored state stays. */
  newRun(): void;
  /** Requests of `op` (of every operation without one) that arrived in the current run. */
  runCount(op?: Op): number;
}
