/**
 * Data-parallel dataset products: the batches of one product are spread over worker threads,
 * each running the operator's compiled plan on the batches it claims; the main thread adds the
 * batches' outputs in batch order, so the result has the bits of the single-thread product for
 * any number of threads.
 *
 * Design.
 * - *What travels.* The graph is a user's closure and cannot cross threads; its optimized form
 *   can: a portable plan (portable-plan.ts) per batch size — node list, attributes, constants —
 *   is sent to each worker once per operator, with the data set in `SharedArrayBuffer`s (the
 *   caller's arrays when they are shared already, else one copy made here, shared by all
 *   workers), an `io` area for θ and v that the main thread rewrites before each product, and one
 *   output slot per worker. A worker rebuilds each plan the first time it meets its batch size,
 *   so its memory is the plans' buffers, O(batch), and its slot.
 * - *A product.* The main thread writes θ and v, publishes the product in a shared control block
 *   (dataset-worker.ts) and sleeps. Workers claim batches by an atomic increment, so a fast or
 *   lightly loaded worker takes more; each runs the batch's plan into private buffers, waits until
 *   its slot is free, and copies the outputs there. The main thread takes batch 0, 1, 2, … in
 *   order from whichever slot holds it and accumulates `acc ← acc + (b/N)·out_k` exactly as the
 *   single-thread loop does. Every batch's outputs are the same bits on any thread (same plan,
 *   same kernels, same kernel backend), and they are summed in the same order, so the result does
 *   not depend on the number of threads (1 included: the single-thread path is the same sum).
 *   A worker may compute its next batch while its slot still waits, so at most 2·threads batches
 *   are in flight.
 * - *Threads.* The main thread coordinates and sleeps (`Atomics.wait`); `threads` workers compute,
 *   each with its kernels unsplit (`setThreads(1)` in the worker), so a product keeps `threads`
 *   cores busy and the kernel pool's workers sleep meanwhile.
 * - *Cancellation and progress.* Between batches the main thread checks the signal and calls
 *   `onBatch`; an abort, a throw from `onBatch` or a batch that throws in a worker stops the
 *   claims, and the product returns (or throws) only when every worker has left it, so no worker
 *   still reads θ or writes a slot when the next product starts.
 *   The data set is copied (when it is not shared already) on the operator's first parallel
 *   product: like the bound inputs of `compile`, it must not change after the operator is made.
 * - *Lifetime.* Workers start on the first parallel product (not at load), are `unref`'d (a
 *   process never waits for them) and load the package once; an operator collected on the main
 *   thread is forgotten by the workers. A worker that dies in a product (killed, out of memory)
 *   cannot tell the main thread, which then waits for its batch forever: an exception in a
 *   batch is caught and reported, not a dead thread.
 * - *Where it does not run.* Node ≥ 20.16 with shared memory (`poolSupported()`) only: the main
 *   thread blocks while it waits, which a browser's main thread may not. Elsewhere, for a plan
 *   with an op registered by the user (the workers do not have it), for a single batch, in a
 *   product started from another's `onBatch`, and when the workers cannot start, products run on
 *   the calling thread with the same result.
 *
 * @module
 */
import { kernelBackend, poolSupported } from "@krylov-ts/operators";
import {
  BACKEND, BACKENDS, BATCHES, CONTROL_BYTES, ERROR, EVENTS, FAILED, HOLDS, INTS, LEFT, NEXT, OPERATOR, PARTICIPANTS, READY, SEQ, STATE, STOP, TEXT_BYTES,
  type OperatorMessage, type WorkerStart,
} from "./dataset-worker.js";
import type { PortablePlan } from "./portable-plan.js";

/** Most workers of the dataset products. */
export const MAX_DATASET_WORKERS = 64;
/** How long the first product waits for the workers to load the package before it runs on one thread. */
const START_TIMEOUT_MS = 60_000;

interface NodeWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
  unref(): void;
  on(event: "error", f: (e: unknown) => void): void;
}
type WorkerThreads = { Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker };
type NodeProcess = { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown };

const nodeProcess = (globalThis as { process?: NodeProcess }).process;
const workerThreads = typeof nodeProcess?.getBuiltinModule === "function" ? (nodeProcess.getBuiltinModule("node:worker_threads") as WorkerThreads | undefined) : undefined;

/** This package runs from its TypeScript sources (under tsx, as the tests and benchmarks do), not from its build. */
const here = (import.meta as { url?: string }).url ?? "";
const fromSource = here.endsWith(".ts");
/** The worker module: this package's dataset-worker, its source or its build (unused where workers are not Node's). */
const WORKER_URL = workerThreads === undefined ? "" : new URL(`./dataset-worker.${fromSource ? "ts" : "js"}`, here).href;
/**
 * From the sources, tsx's loader, which workers must register themselves (tsx registers its
 * hooks in the main thread only on Node 20): undefined when it is not to be found (the workers
 * then fail to load and products stay on the calling thread).
 */
const LOADER_URL = fromSource ? resolveModule("tsx/esm/api") : undefined;

function resolveModule(specifier: string): string | undefined {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return undefined;
  }
}

/** A worker's first code: loads the worker module and runs it, or reports that it could not. */
const BOOT = `"use strict";
const wt = process.getBuiltinModule("node:worker_threads");
const d = wt.workerData;
const loader = d.loader === undefined ? Promise.resolve() : import(d.loader).then((tsx) => tsx.register());
loader.then(() => import(d.url)).then((m) => m.runDatasetWorker(d, wt.parentPort, wt.receiveMessageOnPort)).catch(() => {
  const c = new Int32Array(d.control, 0, ${INTS});
  Atomics.store(c, ${FAILED}, 1);
  Atomics.notify(c, ${READY});
});
`;

let control: SharedArrayBuffer | undefined;
let ctl: Int32Array | undefined;
let workers: NodeWorker[] = [];
let failed = false;
let busy = false;
let nextId = 1;
const live = new Map<number, WeakRef<ParallelProduct>>();
const forgotten = new FinalizationRegistry<number>((id) => {
  live.delete(id);
  for (const w of workers) w.postMessage({ type: "forget", id });
});

/** Whether dataset products can run on worker threads here (Node with shared memory, workers not failed). */
export function datasetParallelSupported(): boolean {
  return !failed && workerThreads !== undefined && poolSupported();
}

/** How many dataset workers run now (they start on the first parallel product). */
export function datasetWorkers(): number {
  return workers.length;
}

/** Stops the dataset workers (they restart on the next parallel product). */
export function stopDatasetWorkers(): void {
  for (const w of workers) void w.terminate();
  workers = [];
  control = undefined;
  ctl = undefined;
}

/** A `SharedArrayBuffer`-backed array with `a`'s values (`a` itself when it is one already). */
function shared(a: Float64Array): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Float64Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

/** At least `count` workers, loaded; false (and single-thread products from then on) when they cannot start. */
function ensureWorkers(count: number): boolean {
  if (workers.length >= count) return true;
  if (control === undefined) {
    control = new SharedArrayBuffer(CONTROL_BYTES);
    ctl = new Int32Array(control, 0, INTS);
  }
  const c = ctl as Int32Array;
  try {
    for (let index = workers.length; index < count; index++) {
      const start: WorkerStart & { url: string; loader: string | undefined } = { control, index, url: WORKER_URL, loader: LOADER_URL };
      const w = new (workerThreads as WorkerThreads).Worker(BOOT, { eval: true, workerData: start });
      w.unref();
      w.on("error", () => {
        failed = true;
      });
      workers.push(w);
      for (const ref of live.values()) ref.deref()?.sendTo(w);
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const ready = Atomics.load(c, READY);
      if (Atomics.load(c, FAILED) !== 0 || Date.now() > deadline) throw new Error("the dataset workers did not start");
      if (ready >= count) return true;
      Atomics.wait(c, READY, ready, 50);
    }
  } catch {
    failed = true;
    stopDatasetWorkers();
    return false;
  }
}

/** One operator's part in the parallel products: its shared memory and what the workers know of it. */
export class ParallelProduct {
  private readonly id = nextId++;
  private message: OperatorMessage;
  private readonly outLength: number;
  private readonly outSizes: readonly number[];
  /** Views of each slot's outputs; as many slots as the most threads a product has used. */
  private slotViews: Float64Array[][] = [];

  /**
   * @param plans - the portable plan of each batch size (the full one and the last's)
   */
  constructor(
    plans: ReadonlyArray<readonly [number, PortablePlan]>,
    data: { inputs: Float64Array; targets: Float64Array },
    samples: number,
    batchSize: number,
    n: number,
  ) {
    const first = (plans[0] as readonly [number, PortablePlan])[1];
    const varyingSizes = first.varyingSizes;
    const outSizes = first.outputSizes;
    this.outSizes = outSizes;
    this.outLength = outSizes.reduce((a, b) => a + b, 0);
    const io = new Float64Array(new SharedArrayBuffer(8 * (n + varyingSizes.reduce((a, b) => a + b, 0))));
    this.message = { type: "operator", id: this.id, plans, samples, batchSize, inputs: shared(data.inputs), targets: shared(data.targets), io, n, varyingSizes, slots: new Float64Array(0) };
    live.set(this.id, new WeakRef(this));
    forgotten.register(this, this.id);
  }

  /** At least P slots: new ones (and the operator sent again, its data not copied) when there are fewer. */
  private slotsFor(P: number): void {
    if (this.slotViews.length >= P) return;
    const slots = new Float64Array(new SharedArrayBuffer(8 * P * this.outLength));
    this.message = { ...this.message, slots };
    this.slotViews = Array.from({ length: P }, (_, w) => {
      let at = w * this.outLength;
      return this.outSizes.map((s) => slots.subarray(at, (at += s)));
    });
    for (const w of workers) this.sendTo(w);
  }

  /** @internal Tells a worker of this operator. */
  sendTo(w: NodeWorker): void {
    w.postMessage(this.message);
  }

  /**
   * One product over `batches` batches on `threads` workers: θ and the varying inputs `vals` are
   * written to the shared `io`, and `take(k, outs)` is called with batch k's outputs for k = 0, 1, …
   * in order. Returns false, having done nothing, when the workers are unavailable (the caller
   * then runs the product itself).
   *
   * @throws the signal's reason when it aborts; an `Error` naming `fn` when a batch throws in a worker
   */
  run(fn: string, threads: number, theta: Float64Array, vals: readonly Float64Array[], batches: number, take: (k: number, outs: readonly Float64Array[]) => void, signal: AbortSignal | undefined): boolean {
    if (busy || !datasetParallelSupported() || !ensureWorkers(threads)) return false;
    this.slotsFor(threads);
    const c = ctl as Int32Array;
    const io = this.message.io;
    io.set(theta, 0);
    let at = theta.length;
    for (const v of vals) {
      io.set(v, at);
      at += v.length;
    }
    const P = threads;
    // PARTICIPANTS last: a worker that sees itself among them sees every other word of the product.
    Atomics.store(c, STOP, 0);
    Atomics.store(c, ERROR, 0);
    for (let w = 0; w < P; w++) Atomics.store(c, STATE + w, 0);
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, BATCHES, batches);
    Atomics.store(c, OPERATOR, this.id);
    Atomics.store(c, BACKEND, BACKENDS.indexOf(kernelBackend()));
    Atomics.store(c, PARTICIPANTS, P);
    busy = true;
    const seq = (Atomics.load(c, SEQ) + 1) | 0;
    Atomics.store(c, SEQ, seq);
    Atomics.notify(c, SEQ);
    try {
      for (let k = 0; k < batches; k++) {
        signal?.throwIfAborted();
        const w = this.await(fn, c, k, P);
        take(k, this.slotViews[w] as Float64Array[]);
        Atomics.store(c, STATE + w, 0);
        Atomics.notify(c, STATE + w);
      }
    } finally {
      // Claim nothing more (a no-op after the last batch), free the slots and wait for every participant to leave.
      Atomics.store(c, STOP, 1);
      for (let w = 0; w < P; w++) {
        Atomics.store(c, STATE + w, 0);
        Atomics.notify(c, STATE + w);
      }
      for (;;) {
        const e = Atomics.load(c, EVENTS);
        let left = 0;
        for (let w = 0; w < P; w++) if (Atomics.load(c, LEFT + w) === seq) left++;
        if (left === P) break;
        Atomics.wait(c, EVENTS, e);
      }
      busy = false;
    }
    return true;
  }

  /** The worker whose slot holds batch k, once one does. */
  private await(fn: string, c: Int32Array, k: number, P: number): number {
    for (;;) {
      const e = Atomics.load(c, EVENTS);
      for (let w = 0; w < P; w++) {
        if (Atomics.load(c, STATE + w) === 1 && Atomics.load(c, HOLDS + w) === k) return w;
      }
      if (Atomics.load(c, ERROR) !== 0) {
        const bytes = new Uint8Array(control as SharedArrayBuffer, 4 * INTS, TEXT_BYTES).slice();
        const text = new TextDecoder().decode(bytes.subarray(0, Math.max(0, bytes.indexOf(0)) || TEXT_BYTES));
        throw new Error(`${fn}: a batch failed on a worker thread: ${text}`);
      }
      Atomics.wait(c, EVENTS, e);
    }
  }
}
