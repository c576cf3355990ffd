/**
 * The control block: CONTROL_BYTES of the shared wasm memory, just below the heap, through which
 * the calling thread hands a job to the workers and they report back (no postMessage per call).
 * Every word is read and written with Atomics; the job's arguments are plain float64s published
 * by the Atomics store that starts the job (seq-cst, so they are visible to the workers).
 *
 * int32 words:
 *   0 QUIT        1 = workers leave their loop
 *   1 PENDING     participants (workers) of the current job that have not finished it
 *   2 ERROR       0, or who failed first: worker w + 1, or MAIN_FAILED for the calling thread
 *   3 BAR_COUNT   threads arrived at the current barrier
 *   4 BAR_GEN     barrier generation (bumped when the last thread arrives)
 *   5 NT          threads of the current job
 *   6 OP          job id (jobs.ts)
 *   7 TID_BASE    thread index of worker 0 in the job: 1 when the caller takes part, else 0
 *   8 FAULT       test hook: 1 = the job's last participant throws, 2 = it exits (then 0)
 *   9 EPOCH       pool generation; a worker whose epoch differs leaves
 *   10 WORKERS    workers taking part in the current job
 *   11 STARTED    of those, how many have picked it up
 *   16 + 16·w     worker w's slot: SEQ (bumped to start a job on it), STATE (STARTING/IDLE/BUSY/DEAD)
 * float64 args at ARGS_BYTE, the first error message (UTF-8, length-prefixed) at MSG_BYTE.
 */

export const CONTROL_BYTES = 8192;
/** Threads of one engine at most (the calling thread included). */
export const MAX_THREADS = 64;

export const QUIT = 0;
export const PENDING = 1;
export const ERROR = 2;
const BAR_COUNT = 3;
const BAR_GEN = 4;
export const NT = 5;
export const OP = 6;
export const TID_BASE = 7;
export const FAULT = 8;
export const EPOCH = 9;
export const WORKERS = 10;
export const STARTED = 11;

export const MAIN_FAILED = -1;
export const FAULT_THROW = 1;
export const FAULT_EXIT = 2;

const SLOT_BASE = 16;
const SLOT_INTS = 16;
export const SEQ = 0;
export const STATE = 1;
export const STARTING = 0;
export const IDLE = 1;
export const BUSY = 2;
export const DEAD = 3;

const ARGS_BYTE = (SLOT_BASE + MAX_THREADS * SLOT_INTS) * 4; // 4160, 8-aligned
export const MAX_ARGS = 96;
const MSG_BYTE = ARGS_BYTE + MAX_ARGS * 8;
const MSG_CAPACITY = CONTROL_BYTES - MSG_BYTE - 4;

/**
 * How long a waiting thread spins (polling with Atomics.load) before it sleeps in Atomics.wait.
 * Measured on the reference machine (2-vCPU KVM guest, Node 20): a spinning thread sees a change
 * within ≈ 1 µs, waking a sleeping one costs 20–80 µs (idle vCPUs: more). But when the other
 * thread has no free core — more threads than cores, or another process busy — a spinning thread
 * keeps it off its core. That happens after an idle period: a sleeping worker woken by the
 * calling thread may be scheduled on the caller's own vCPU, and a full spin after its share then
 * delays the caller's share by the whole spin (measured: +1 ms on a 70 µs call). So spins are
 * adaptive (per thread and purpose, see Spin): a wait that ended during the spin, or soon enough
 * after it that a full spin would have caught it, sets the budget to its maximum; a longer one
 * (an idle engine, calls far apart) drops it to SPIN_MIN_MS, so the first call after a pause
 * does not spin and sparse calls do not burn a core. Spins are timed (a polling loop runs ≈ 1
 * iteration per cycle, so counts mean nothing).
 * - idle: a worker after a job, waiting for the next; back-to-back calls (a network's layers)
 *   find it awake; an idle engine soon costs nothing;
 * - wait: the calling thread waiting for the workers' end of a job, and threads at a barrier;
 *   the others are normally busy on their own share and arrive soon.
 */
export const SPIN_IDLE_MS = 1;
export const SPIN_WAIT_MS = 2;
const SPIN_MIN_MS = 0.02;
/**
 * A thread waiting for the others stops spinning if one of them has not even picked up the job
 * this long after the wait began: it is most likely queued behind the waiter on the same vCPU
 * (measured on KVM guests: a worker woken after an idle period often lands on the waker's vCPU,
 * and a spinning waiter then delays it by milliseconds). Sleeping lets it run.
 */
const NOT_STARTED_MS = 0.05;

const now: () => number = typeof performance === 'object' ? () => performance.now() : () => Date.now();

/** An adaptive spin budget (see above). */
export class Spin {
  ms: number;
  constructor(readonly max: number) {
    this.ms = max;
  }

  /** after a wait of `waitedMs` in all */
  update(waitedMs: number): void {
    this.ms = waitedMs <= this.max ? this.max : SPIN_MIN_MS;
  }
}

/** Thrown inside a job on the threads still running when another thread has failed. */
export class JobAborted extends Error {
  constructor() {
    super('job aborted: another thread failed');
  }
}

export class Control {
  readonly i32: Int32Array;
  readonly args: Float64Array;
  private readonly bytes: Uint8Array;

  /** @param buffer the shared memory's buffer (any size covering base + CONTROL_BYTES) */
  constructor(buffer: ArrayBufferLike, readonly base: number) {
    this.i32 = new Int32Array(buffer, base, CONTROL_BYTES / 4);
    this.args = new Float64Array(buffer, base + ARGS_BYTE, MAX_ARGS);
    this.bytes = new Uint8Array(buffer, base + MSG_BYTE, CONTROL_BYTES - MSG_BYTE);
  }

  slot(worker: number, field: number): number {
    return SLOT_BASE + worker * SLOT_INTS + field;
  }

  load(index: number): number {
    return Atomics.load(this.i32, index);
  }

  store(index: number, value: number): void {
    Atomics.store(this.i32, index, value);
  }

  notify(index: number): void {
    Atomics.notify(this.i32, index);
  }

  /**
   * Returns once word `index` no longer holds `value` (its new value): spins for up to
   * `spin.ms`, then sleeps; updates `spin`. `check` runs between sleeps (every 50 ms) and may throw.
   */
  waitChange(index: number, value: number, spin: Spin, check?: () => void, stop?: (elapsedMs: number) => boolean): number {
    let v = Atomics.load(this.i32, index);
    if (v !== value) return v;
    const start = now();
    const end = start + spin.ms;
    for (let i = 1; ; i++) {
      v = Atomics.load(this.i32, index);
      if (v !== value) {
        spin.update(0);
        return v;
      }
      if ((i & 1023) === 0) {
        const t = now();
        if (t > end || stop?.(t - start)) break;
      }
    }
    for (;;) {
      check?.();
      Atomics.wait(this.i32, index, value, check ? 50 : Infinity);
      v = Atomics.load(this.i32, index);
      if (v !== value) {
        spin.update(now() - start);
        return v;
      }
    }
  }

  /** this thread's spin budgets (each thread has its own Control) */
  readonly idleSpin = new Spin(SPIN_IDLE_MS);
  readonly waitSpin = new Spin(SPIN_WAIT_MS);

  /** Waits for the other threads of the job (its end, a barrier); see NOT_STARTED_MS. */
  waitOthers(index: number, value: number, check?: () => void): number {
    return this.waitChange(index, value, this.waitSpin, check,
      (elapsed) => elapsed > NOT_STARTED_MS && Atomics.load(this.i32, STARTED) < Atomics.load(this.i32, WORKERS));
  }

  /** Resets the per-job words for a job on `workers` workers; called while no job runs. */
  resetJob(workers: number): void {
    this.store(ERROR, 0);
    this.store(BAR_COUNT, 0);
    this.store(STARTED, 0);
    this.store(WORKERS, workers);
  }

  /**
   * All `nt` threads of the job meet here (sense-reversing barrier on BAR_GEN). Throws
   * JobAborted if a thread has failed meanwhile, so no one waits for a thread that never comes.
   */
  barrier(nt: number): void {
    if (nt <= 1) return;
    const gen = Atomics.load(this.i32, BAR_GEN);
    if (Atomics.add(this.i32, BAR_COUNT, 1) === nt - 1) {
      Atomics.store(this.i32, BAR_COUNT, 0);
      Atomics.add(this.i32, BAR_GEN, 1);
      Atomics.notify(this.i32, BAR_GEN);
      return;
    }
    this.waitOthers(BAR_GEN, gen, () => {
      if (Atomics.load(this.i32, ERROR) !== 0) throw new JobAborted();
    });
    if (Atomics.load(this.i32, ERROR) !== 0) throw new JobAborted();
  }

  /**
   * Records a failure (the first one wins) and wakes every thread waiting at a barrier or for
   * the job's end. Returns true if this was the first.
   */
  fail(who: number, message: string): boolean {
    const first = Atomics.compareExchange(this.i32, ERROR, 0, who) === 0;
    if (first) {
      const encoded = new TextEncoder().encode(message).subarray(0, MSG_CAPACITY);
      // the shared buffer cannot be handed to TextDecoder/Encoder directly: copy byte by byte
      for (let i = 0; i < encoded.length; i++) this.bytes[4 + i] = encoded[i]!;
      new DataView(this.bytes.buffer, this.bytes.byteOffset, 4).setUint32(0, encoded.length, true);
    }
    Atomics.notify(this.i32, BAR_GEN);
    Atomics.notify(this.i32, PENDING);
    return first;
  }

  errorMessage(): string {
    const length = new DataView(this.bytes.buffer, this.bytes.byteOffset, 4).getUint32(0, true);
    return new TextDecoder().decode(this.bytes.slice(4, 4 + Math.min(length, MSG_CAPACITY)));
  }
}
