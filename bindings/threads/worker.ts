/**
 * A simdconv worker (Node worker_threads or a browser module Worker, same file). It receives
 * one message at start-up — the compiled threads build, the shared memory, the control block's
 * offset, its index and the pool's epoch — instantiates the module over that memory (the
 * kernels never allocate, so no AssemblyScript runtime runs here), says it is ready, then loops:
 * wait for its slot's SEQ to change, run its share of the job (jobs.ts), report, repeat.
 * It never touches the JS heap allocator: the calling thread owns all memory management.
 */
import {
  BUSY, Control, DEAD, EPOCH, FAULT, FAULT_EXIT, FAULT_THROW, IDLE, JobAborted, NT, OP, PENDING, QUIT, SEQ, STARTED,
  STATE, TID_BASE,
} from './control.js';
import { decodeArgs, jobById } from './jobs.js';
import type { KernelExports } from '../wasm.js';

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  index: number;
  epoch: number;
}

interface Host {
  post(message: unknown): void;
  /** registers the function to run if the thread ends (Node: process 'exit') */
  onExit(fn: () => void): void;
  /** ends this thread now (test hook); returns only where the thread ends after this turn */
  exit(): void;
  /** after the loop: let the thread end */
  close(): void;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function serve(init: WorkerInit, host: Host): void {
  const { index: w, epoch } = init;
  const ctl = new Control(init.memory.buffer, init.control);
  const seqAt = ctl.slot(w, SEQ);
  const stateAt = ctl.slot(w, STATE);
  let k: KernelExports;
  try {
    k = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports as unknown as KernelExports;
  } catch (e) {
    ctl.store(stateAt, DEAD);
    ctl.notify(stateAt);
    host.post({ type: 'failed', index: w, message: describe(e) });
    return;
  }
  let exiting = false;
  const dying = (why: string) => {
    if (exiting) return;
    exiting = true;
    if (ctl.load(EPOCH) !== epoch) return;
    // exiting mid-job: fail the job for everyone and account for this participant
    if (Atomics.exchange(ctl.i32, stateAt, DEAD) === BUSY) {
      ctl.fail(w + 1, why);
      if (Atomics.sub(ctl.i32, PENDING, 1) === 1) ctl.notify(PENDING);
    }
    ctl.notify(stateAt);
  };
  host.onExit(() => dying(`worker ${w} exited during the call`));

  let seq = ctl.load(seqAt);
  ctl.store(stateAt, IDLE);
  ctl.notify(stateAt);
  host.post({ type: 'ready', index: w });

  for (;;) {
    seq = ctl.waitChange(seqAt, seq, ctl.idleSpin);
    if (ctl.load(QUIT) !== 0 || ctl.load(EPOCH) !== epoch) break;
    ctl.store(stateAt, BUSY);
    Atomics.add(ctl.i32, STARTED, 1);
    const nt = ctl.load(NT);
    const tid = w + ctl.load(TID_BASE);
    const fault = ctl.load(FAULT);
    const faulty = fault !== 0 && tid === nt - 1 && Atomics.compareExchange(ctl.i32, FAULT, fault, 0) === fault;
    if (faulty && fault === FAULT_EXIT) {
      dying(`worker ${w} exited during the call (injected test fault)`);
      host.exit();
      return;
    }
    try {
      if (faulty && fault === FAULT_THROW) throw new Error('injected test fault');
      const def = jobById(ctl.load(OP));
      def.run(k, decodeArgs(def, ctl.args), tid, nt, () => ctl.barrier(nt));
    } catch (e) {
      if (!(e instanceof JobAborted)) ctl.fail(w + 1, describe(e));
    }
    ctl.store(stateAt, IDLE);
    if (Atomics.sub(ctl.i32, PENDING, 1) === 1) ctl.notify(PENDING);
  }
  exiting = true;
  host.close();
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

if (isNode) {
  const { parentPort } = await import('node:worker_threads');
  const port = parentPort!;
  port.once('message', (init: WorkerInit) => {
    serve(init, {
      post: (m) => port.postMessage(m),
      onExit: (fn) => process.on('exit', fn),
      exit: () => process.exit(1),
      close: () => port.close(),
    });
  });
} else {
  interface WorkerScope {
    addEventListener(type: 'message', fn: (e: { data: WorkerInit }) => void, options?: { once: boolean }): void;
    postMessage(message: unknown): void;
    close(): void;
  }
  const scope = globalThis as unknown as WorkerScope;
  scope.addEventListener('message', (e) => {
    serve(e.data, {
      post: (m) => scope.postMessage(m),
      onExit: () => {},
      exit: () => scope.close(),
      close: () => scope.close(),
    });
  }, { once: true });
}
