/**
 * The thread pool: workers (Node worker_threads or browser module Workers, both from
 * ./worker.js next to this file) running the threads build over the engine's shared memory,
 * driven through the control block (control.ts) with Atomics.wait/notify — no message per call.
 *
 * Two ways to run a job:
 * - runSync (hosts that may block: Node, or the engine living in a worker): the calling thread
 *   is thread 0 and computes its share; workers are threads 1…nt−1; the caller then sleeps in
 *   Atomics.wait until they are done.
 * - runAsync (a browser main thread, which may not block): only workers compute, the caller
 *   awaits Atomics.waitAsync (or polls); jobs are queued one at a time.
 *
 * A worker that throws or exits fails the job for everyone (barriers abort, see Control), the
 * call throws WorkerError once every thread still alive has stopped, the pool is torn down and a
 * fresh one is started before the next job.
 */
import { ArgumentError, WorkerError } from '../errors.js';
import {
  BUSY, Control, DEAD, EPOCH, ERROR, FAULT, IDLE, JobAborted, MAIN_FAILED, NT, OP, PENDING, QUIT, SEQ, STARTING,
  STATE, TID_BASE,
} from './control.js';
import { encodeArgs, type Job } from './jobs.js';
import type { KernelExports } from '../wasm.js';
import type { WorkerInit } from './worker.js';

/** How long a worker may take to start (load its script, instantiate the module). */
const START_TIMEOUT_MS = 30_000;

interface WorkerHandle {
  readonly epoch: number;
  post(init: WorkerInit): void;
  terminate(): void;
  /** Node: stop this worker from keeping the process alive */
  unref(): void;
}

type Spawn = (index: number, epoch: number, events: {
  message(m: { type: string; index: number; message?: string }): void;
  failure(why: string): void;
}) => WorkerHandle;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function spawner(): Promise<Spawn> {
  if (isNode) {
    const { Worker: NodeWorker } = await import('node:worker_threads');
    return (index, epoch, events) => {
      const w = new NodeWorker(new URL('./worker.js', import.meta.url));
      w.on('message', events.message);
      w.on('error', (e: unknown) => events.failure(e instanceof Error ? `${e.name}: ${e.message}` : String(e)));
      w.on('exit', (code: number) => events.failure(`worker ${index} exited with code ${code}`));
      return {
        epoch, post: (init) => w.postMessage(init), terminate: () => void w.terminate().catch(() => {}), unref: () => w.unref(),
      };
    };
  }
  return (index, epoch, events) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.addEventListener('message', (e: MessageEvent) => events.message(e.data));
    w.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      events.failure(e.message || `worker ${index} failed to load or threw`);
    });
    w.addEventListener('messageerror', () => events.failure(`worker ${index}: message could not be deserialised`));
    return { epoch, post: (init) => w.postMessage(init), terminate: () => w.terminate(), unref: () => {} };
  };
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

interface WaitAsyncResult { async: boolean; value: Promise<string> | string }
const waitAsync = (Atomics as unknown as {
  waitAsync?: (a: Int32Array, i: number, v: number, t?: number) => WaitAsyncResult;
}).waitAsync;

export interface PoolOptions {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** the calling thread's instance of the threads build */
  kernels: KernelExports;
  /** byte offset of the control block */
  control: number;
  workers: number;
  /** the calling thread may block (Atomics.wait) and takes part in sync jobs */
  blocking: boolean;
}

export class ThreadPool {
  readonly workers: number;
  readonly blocking: boolean;
  private readonly ctl: Control;
  private handles: WorkerHandle[] = [];
  private epoch = 0;
  private broken = false;
  private disposed = false;
  /** jobs of runAsync queued or running */
  private inflight = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> = Promise.resolve();

  private constructor(private readonly o: PoolOptions, private readonly spawn: Spawn) {
    this.workers = o.workers;
    this.blocking = o.blocking;
    this.ctl = new Control(o.memory.buffer, o.control);
  }

  /** Starts the workers and resolves when all are ready (rejects with WorkerError otherwise). */
  static async create(o: PoolOptions): Promise<ThreadPool> {
    const pool = new ThreadPool(o, await spawner());
    pool.start();
    try {
      await pool.ready;
    } catch (e) {
      pool.dispose();
      throw e;
    }
    return pool;
  }

  /** True while a queued async job owns the workers: sync calls then run on the caller alone. */
  get busy(): boolean {
    return this.inflight > 0;
  }

  /** Threads that compute a job: the caller too when it may block. */
  get size(): number {
    return this.blocking ? this.workers + 1 : this.workers;
  }

  private start(): void {
    for (const h of this.handles) h.terminate();
    const epoch = ++this.epoch;
    const ctl = this.ctl;
    ctl.store(EPOCH, epoch);
    ctl.store(QUIT, 0);
    ctl.store(FAULT, 0);
    this.broken = false;
    const waits: Promise<void>[] = [];
    this.handles = [];
    for (let i = 0; i < this.workers; i++) {
      ctl.store(ctl.slot(i, STATE), STARTING);
      let settle!: { resolve(): void; reject(e: Error): void };
      waits.push(new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
      }));
      const handle = this.spawn(i, epoch, {
        message: (m) => {
          if (m.type === 'ready') settle.resolve();
          else if (m.type === 'failed') settle.reject(new WorkerError('load', i, m.message ?? 'failed to start'));
        },
        failure: (why) => {
          settle.reject(new WorkerError('load', i, why));
          this.lost(i, epoch, why);
        },
      });
      this.handles.push(handle);
      handle.post({ module: this.o.module, memory: this.o.memory, control: this.o.control, index: i, epoch });
    }
    clearTimeout(this.timer);
    const timeout = new Promise<never>((_, reject) => {
      this.timer = setTimeout(() => reject(new WorkerError('load', 0, `workers did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS);
    });
    const handles = this.handles;
    this.ready = Promise.race([Promise.all(waits), timeout]).then(() => {
      if (epoch !== this.epoch) return;
      clearTimeout(this.timer);
      for (const h of handles) h.unref();
    }, (e: unknown) => {
      if (epoch !== this.epoch) return;
      clearTimeout(this.timer);
      this.broken = true;
      throw e;
    });
    this.ready.catch(() => {});
  }

  private timer: ReturnType<typeof setTimeout> | undefined;

  /** A worker of generation `epoch` failed outside a job it could report (event from the host). */
  private lost(i: number, epoch: number, why: string): void {
    if (epoch !== this.epoch || this.disposed) return;
    this.broken = true;
    const ctl = this.ctl;
    const at = ctl.slot(i, STATE);
    if (Atomics.exchange(ctl.i32, at, DEAD) === BUSY) {
      ctl.fail(i + 1, why);
      if (Atomics.sub(ctl.i32, PENDING, 1) === 1) ctl.notify(PENDING);
    }
    ctl.notify(at);
  }

  private anyDead(n: number): boolean {
    for (let i = 0; i < n; i++) if (this.ctl.load(this.ctl.slot(i, STATE)) === DEAD) return true;
    return false;
  }

  /** Restarts the workers and waits for them here (blocking hosts). */
  private restartSync(op: string): void {
    this.start();
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let i = 0; i < this.workers; i++) {
      const at = this.ctl.slot(i, STATE);
      let state: number;
      while ((state = this.ctl.load(at)) === STARTING) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        Atomics.wait(this.ctl.i32, at, STARTING, left);
      }
      if (state !== IDLE) {
        this.broken = true;
        throw new WorkerError(op, i, state === STARTING ? `did not start within ${START_TIMEOUT_MS} ms` : 'failed to start');
      }
    }
  }

  private publish(job: Job, nt: number, tidBase: number, participants: number): void {
    const ctl = this.ctl;
    ctl.resetJob(participants);
    encodeArgs(job.def, job.args, ctl.args);
    ctl.store(NT, nt);
    ctl.store(OP, job.def.id);
    ctl.store(TID_BASE, tidBase);
    ctl.store(PENDING, participants);
    for (let w = 0; w < participants; w++) {
      const at = ctl.slot(w, SEQ);
      Atomics.add(ctl.i32, at, 1);
      ctl.notify(at);
    }
  }

  /** After a job: throws WorkerError (and schedules a restart) if a worker failed. */
  private verdict(op: string): void {
    const err = this.ctl.load(ERROR);
    if (err > 0) {
      this.broken = true;
      for (const h of this.handles) h.terminate();
      this.handles = [];
      throw new WorkerError(op, err - 1, this.ctl.errorMessage());
    }
  }

  /** Runs `job` on nt threads, the caller being thread 0 (blocking hosts only). */
  runSync(k: KernelExports, job: Job, nt: number, op: string): void {
    this.live(op);
    if (this.broken || this.anyDead(nt - 1)) this.restartSync(op);
    const ctl = this.ctl;
    this.publish(job, nt, 1, nt - 1);
    let own: unknown = null;
    try {
      job.def.run(k, job.args, 0, nt, () => ctl.barrier(nt));
    } catch (e) {
      own = e;
      if (!(e instanceof JobAborted)) ctl.fail(MAIN_FAILED, describe(e));
    }
    for (let v = ctl.load(PENDING); v !== 0; v = ctl.load(PENDING)) ctl.waitOthers(PENDING, v);
    this.verdict(op);
    if (own !== null) throw own;
  }

  /** Runs `job` on nt workers while the caller awaits; one job at a time, in call order. */
  runAsync(job: Job, nt: number, op: string): Promise<void> {
    this.live(op);
    this.inflight++;
    const run = async () => {
      this.live(op);
      if (this.broken || this.anyDead(nt)) {
        this.start();
        await this.ready;
      }
      this.publish(job, nt, 0, nt);
      await this.settled(op);
      this.verdict(op);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result.finally(() => {
      this.inflight--;
    });
  }

  private async settled(op: string): Promise<void> {
    const ctl = this.ctl;
    for (;;) {
      this.live(op);
      const v = ctl.load(PENDING);
      if (v === 0) return;
      if (waitAsync) {
        const r = waitAsync(ctl.i32, PENDING, v, 100);
        if (r.async) await r.value;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
  }

  private live(op: string): void {
    if (this.disposed) throw new ArgumentError(op, 'engine', 'an engine that has not been disposed', 'a disposed engine');
  }

  /** Test hook: the next threaded job's last worker throws ('throw') or exits ('exit'). */
  injectFault(kind: 'throw' | 'exit'): void {
    this.ctl.store(FAULT, kind === 'throw' ? 1 : 2);
  }

  /** Stops every worker (they leave their loop; then terminate). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const ctl = this.ctl;
    ctl.store(QUIT, 1);
    for (let w = 0; w < this.workers; w++) {
      const at = ctl.slot(w, SEQ);
      Atomics.add(ctl.i32, at, 1);
      ctl.notify(at);
    }
    ctl.notify(PENDING);
    clearTimeout(this.timer);
    for (const h of this.handles) h.terminate();
    this.handles = [];
  }
}
