/**
 * The worker pool of the kernels (private to the packages; `threads`/`setThreads` are public):
 * threads sharing WebAssembly memories, each running chunks of one kernel call.
 *
 * A kernel that splits (a CSR product by rows, a matrix product by rows of C, a basis sweep by
 * columns) lives in a module instantiated over a shared memory by {@link sharedInstance}. To
 * run it split, the caller writes each chunk's arguments into {@link jobArguments} and calls
 * {@link runJob}: the main thread publishes the job in a shared control block, wakes the workers
 * (`Atomics.notify`), claims chunks itself like any worker, and waits (`Atomics.wait` where the
 * thread may block, a spin on a browser's main thread) until every claimed chunk is done. The
 * partition into chunks is the caller's and fixed, and a chunk's result does not depend on which
 * thread runs it, so the results are the same bits for any number of threads: a kernel that
 * splits must split so that no sum changes its order. Chunks are claimed, not assigned, so a
 * worker that is still starting (or descheduled on a loaded machine) delays nothing: the main
 * thread runs what nobody claimed.
 *
 * The workers start on the first job (never at load), one fewer than {@link threads}, and are
 * `unref`'d in Node: they never keep a process alive, and a process that runs no job starts none.
 * Where shared memory or workers are unavailable (a page that is not cross-origin isolated, a
 * runtime without workers), {@link poolSupported} is false and every kernel runs on one thread.
 *
 * Measured (Node 20, 2 cores, AMD EPYC): waking a sleeping worker and having it claim a chunk
 * costs ≈ 20–60 µs on a quiet machine (a postMessage round trip ≈ 50–100 µs); a worker spins
 * ≈ 20 µs on the sequence word before it sleeps, so back-to-back jobs (a solver's products)
 * seldom pay the wake.
 *
 * @module
 */
import { sharedMemorySupported } from "./shared-wasm.js";
import { WORKER_SOURCE } from "./worker-source.js";

/** Most threads the pool runs by default (the kernels that split are memory-bound beyond a few cores). */
export const MAX_DEFAULT_THREADS = 8;
/** Most threads {@link setThreads} accepts. */
export const MAX_THREADS = 64;
/** Most chunks in one job. */
export const MAX_CHUNKS = 256;
/** Most arguments of a kernel that splits. */
export const MAX_ARGS = 16;

// Layout of the control block: Int32 words, then Float64 arguments and results.
const SEQ = 0, NEXT = 1, DONE = 2, NCHUNKS = 3, ID = 4, FN = 5, NARGS = 6, POSTED = 7, STOP = 8, ERROR = 9, WORKED = 10;
const INTS = 16;
const ARGS = INTS / 2; // in Float64 units
const RESULTS = ARGS + MAX_CHUNKS * MAX_ARGS;
const CONTROL_BYTES = (RESULTS + MAX_CHUNKS) * 8;
const IDX_SPAN = 1024; // NEXT = (seq mod 2^21)·1024 + next chunk index (a positive int32)
const SEQ_MASK = 2 ** 21 - 1;
const SPIN = 20000; // iterations of a worker's spin before it sleeps (≈ 20 µs)
const LAYOUT = { SEQ, NEXT, DONE, NCHUNKS, ID, FN, NARGS, POSTED, STOP, ERROR, WORKED, INTS, ARGS, RESULTS, IDX_SPAN, SEQ_MASK, SPIN };

/** A worker, Node's or a browser's (the part used here). */
interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** The compiled module of a kernel family, with the exports that may be split. */
export interface SharedModule {
  readonly id: number;
  readonly module: object;
  readonly names: readonly string[];
}

/** An instance over a shared memory: the memory, its buffer and the exports (by name and in `names` order). */
export interface SharedInstance {
  readonly id: number;
  readonly module: SharedModule;
  readonly memory: object;
  readonly buffer: SharedArrayBuffer;
  readonly exports: Record<string, unknown>;
  /** The exports of `module.names`, in order (what {@link runJob}'s `fn` indexes). */
  readonly fns: readonly ((...args: number[]) => unknown)[];
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike };
}

type NodeWorkerThreads = {
  Worker: new (code: string, options: { eval: true; execArgv: string[] }) => PoolWorker & { unref(): void; on(event: "error", f: (e: unknown) => void): void };
};

type NodeOs = { availableParallelism?: () => number; cpus: () => unknown[] };
type NodeProcess = { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown };
const nodeProcess = (globalThis as { process?: NodeProcess }).process;
const isNode = typeof nodeProcess?.versions?.node === "string";
let nodeWorkers: NodeWorkerThreads | undefined;
let nodeCores: number | undefined;
if (isNode) {
  const useOs = (m: NodeOs): void => {
    nodeCores = m.availableParallelism?.() ?? m.cpus().length;
  };
  if (typeof nodeProcess?.getBuiltinModule === "function") {
    // Node ≥ 20.16: synchronous, so threads() is right from the start.
    nodeWorkers = nodeProcess.getBuiltinModule("node:worker_threads") as NodeWorkerThreads;
    useOs(nodeProcess.getBuiltinModule("node:os") as NodeOs);
  } else {
    // Older Node: loaded without blocking the module's evaluation (and hidden from bundlers);
    // until they resolve (a tick after load), jobs run on the main thread, which changes no result.
    const workerThreads = "node:worker_threads";
    const os = "node:os";
    void import(/* webpackIgnore: true */ /* @vite-ignore */ workerThreads).then((m: NodeWorkerThreads) => {
      nodeWorkers = m;
    }, () => undefined);
    void import(/* webpackIgnore: true */ /* @vite-ignore */ os).then(useOs, () => undefined);
  }
}

let requested: number | undefined; // setThreads; undefined = the default
let control: SharedArrayBuffer | undefined;
let ctl: Int32Array | undefined;
let f64: Float64Array | undefined;
let workers: PoolWorker[] = [];
let generation = 0; // bumped on each (re)start: instances and modules are re-sent to new workers
let seq = 0;
let nextId = 1;
let blockingWait: boolean | undefined;
let workersFailed = false;
/** Where a browser's workers come from: the file krylov-pool-worker.js, else a blob: URL of WORKER_SOURCE. */
let workerSource: "file" | "blob" = "file";
const sent = new WeakMap<object, number>(); // module or instance → generation it was sent in
const forgotten = new FinalizationRegistry<number>((id) => {
  if (workers.length > 0) post({ type: "forget", id });
});

/** Whether this runtime can run kernels on several threads (shared memories and workers). */
export function poolSupported(): boolean {
  return sharedMemorySupported() && (isNode ? true : typeof (globalThis as { Worker?: unknown }).Worker === "function");
}

function defaultThreads(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const cores = nodeCores ?? nav?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, cores));
}

/**
 * The number of threads the large kernels (matrix products, CSR products, Lanczos basis sweeps)
 * split over, the calling thread included: 1 where shared memory is unavailable, else what
 * {@link setThreads} set, by default the number of cores (`os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in a browser), at most 8.
 */
export function threads(): number {
  if (!poolSupported()) return 1;
  return requested ?? defaultThreads();
}

/**
 * Sets the number of threads the large kernels split over (1 runs everything on the calling
 * thread and stops the workers; `undefined` restores the default). Results are the same bits for
 * any number. Returns the previous {@link threads}.
 *
 * @throws RangeError when n is not an integer in 1…64
 */
export function setThreads(n: number | undefined): number {
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > MAX_THREADS)) {
    throw new RangeError(`setThreads: n must be an integer in 1…${MAX_THREADS} (or undefined for the default), got ${String(n)}`);
  }
  const previous = threads();
  requested = n;
  if (workers.length > 0 && workers.length !== threads() - 1) stopWorkers();
  return previous;
}

/** How many workers are running now (for tests and benchmarks; the pool starts on the first job). */
/** How many chunks the current workers have run since they started (0 when none runs). */
export function chunksRunByWorkers(): number {
  return ctl === undefined ? 0 : Atomics.load(ctl, WORKED);
}

export function runningWorkers(): number {
  return workers.length;
}

/** Stops the workers (they restart on the next job); `threads()` is unchanged. */
export function stopWorkers(): void {
  if (ctl !== undefined) {
    Atomics.store(ctl, STOP, 1);
    Atomics.notify(ctl, SEQ);
  }
  for (const w of workers) void w.terminate();
  workers = [];
  control = undefined;
  ctl = undefined;
  f64 = undefined;
}

/**
 * A module for the pool: the shared variant's bytes (compiled here) or an already compiled
 * `WebAssembly.Module` whose memory import is shared; `names` are the exports a job may run.
 * Returns `undefined` when the pool is unsupported or the bytes do not compile.
 */
export function sharedModule(source: Uint8Array | object, names: readonly string[]): SharedModule | undefined {
  if (!poolSupported()) return undefined;
  try {
    const module = source instanceof Uint8Array ? new (wasm()).Module(source) : source;
    return { id: nextId++, module, names };
  } catch {
    return undefined;
  }
}

/**
 * An instance of `module` over a fresh shared memory of at least `byteLength` bytes (whole
 * 64 KiB pages), or `undefined` when the memory cannot be had. The memory may later grow up to
 * `maximumBytes` (default: never); growing a shared memory detaches no view. The workers receive
 * it on the first job that uses it, and forget it when the main thread's memory is collected.
 */
export function sharedInstance(module: SharedModule, byteLength: number, maximumBytes = byteLength): SharedInstance | undefined {
  try {
    const api = wasm();
    const pages = Math.max(1, Math.ceil(byteLength / 65536));
    const maximum = Math.max(pages, Math.floor(maximumBytes / 65536));
    const memory = new api.Memory({ initial: pages, maximum, shared: true });
    return instanceOn(module, memory);
  } catch {
    return undefined;
  }
}

/**
 * An instance of `module` over an existing shared memory (never grown), made here and in each
 * worker on the first job that uses it. The workers forget it when the memory is collected here.
 */
export function instanceOn(module: SharedModule, memory: object): SharedInstance {
  const exports = new (wasm()).Instance(module.module, { env: { memory } }).exports;
  const fns = module.names.map((n) => exports[n] as (...args: number[]) => unknown);
  const buffer = (memory as { buffer: SharedArrayBuffer }).buffer;
  const instance: SharedInstance = { id: nextId++, module, memory, buffer, exports, fns };
  forgotten.register(memory, instance.id);
  return instance;
}

/** The argument area of the next job: chunk c's i-th argument goes at `c·nargs + i`. */
export function jobArguments(): Float64Array {
  return start().args;
}

/** The results of the last job: chunk c's return value (0 when it returns nothing) at c. */
export function jobResults(): Float64Array {
  return start().results;
}

let argsView: Float64Array | undefined;
let resultsView: Float64Array | undefined;

function start(): { args: Float64Array; results: Float64Array } {
  if (control === undefined) {
    control = new SharedArrayBuffer(CONTROL_BYTES);
    ctl = new Int32Array(control, 0, INTS);
    f64 = new Float64Array(control);
    argsView = f64.subarray(ARGS, RESULTS);
    resultsView = f64.subarray(RESULTS, RESULTS + MAX_CHUNKS);
    seq = 0;
    generation++;
  }
  return { args: argsView as Float64Array, results: resultsView as Float64Array };
}

/**
 * Runs `instance.fns[fn]` on `nChunks` chunks whose arguments are in {@link jobArguments}
 * (`nargs` each), spread over the pool and the calling thread; returns when all are done. Each
 * chunk's return value is in {@link jobResults}. With one thread (or no workers yet) the calling
 * thread runs them all, in order.
 *
 * @throws Error when a chunk threw (a kernel's bug: a trap)
 */
export function runJob(instance: SharedInstance, fn: number, nargs: number, nChunks: number): void {
  if (nChunks > MAX_CHUNKS || nargs > MAX_ARGS) throw new RangeError(`runJob: ${nChunks} chunks of ${nargs} arguments exceed ${MAX_CHUNKS} of ${MAX_ARGS}`);
  start();
  const c = ctl as Int32Array;
  const a = f64 as Float64Array;
  ensureWorkers(instance);
  c[ID] = instance.id;
  c[FN] = fn;
  c[NARGS] = nargs;
  c[NCHUNKS] = nChunks;
  c[ERROR] = 0;
  Atomics.store(c, DONE, 0);
  seq = (seq + 1) & SEQ_MASK;
  Atomics.store(c, NEXT, seq * IDX_SPAN);
  Atomics.store(c, SEQ, seq);
  if (workers.length > 0) Atomics.notify(c, SEQ);
  const f = instance.fns[fn] as (...args: number[]) => unknown;
  const tag = seq * IDX_SPAN;
  for (;;) {
    const v = Atomics.load(c, NEXT);
    const k = v - tag;
    if (k >= nChunks) break;
    if (Atomics.compareExchange(c, NEXT, v, v + 1) !== v) continue;
    try {
      const r = call(f, a, ARGS + k * nargs, nargs);
      a[RESULTS + k] = typeof r === "number" ? r : 0;
    } catch {
      c[ERROR] = 1; // counted as done all the same: no chunk of this job may still run when the next is published
    }
    Atomics.add(c, DONE, 1);
  }
  waitDone(c, nChunks);
  if (c[ERROR] !== 0) throw new Error(`runJob: a chunk of ${instance.module.names[fn] ?? fn} threw (a trap: an argument outside the memory)`);
}

function waitDone(c: Int32Array, nChunks: number): void {
  let spins = 0;
  for (;;) {
    const done = Atomics.load(c, DONE);
    if (done >= nChunks) return;
    if (++spins < 4000) continue;
    if (blockingWait === undefined) {
      try {
        Atomics.wait(c, DONE, done, 0);
        blockingWait = true;
      } catch {
        blockingWait = false; // a browser's main thread may not block: spin
      }
    }
    if (blockingWait) Atomics.wait(c, DONE, done, 1);
  }
}

function ensureWorkers(instance: SharedInstance): void {
  const want = threads() - 1;
  if (workers.length !== want) {
    if (workers.length > 0) stopWorkers();
    start();
    if (want > 0 && !workersFailed && !(isNode && nodeWorkers === undefined) && !spawn(want)) return;
  }
  if (workers.length === 0) return;
  if (sent.get(instance.module) !== generation) {
    post({ type: "module", id: instance.module.id, module: instance.module.module, names: instance.module.names });
    sent.set(instance.module, generation);
  }
  if (sent.get(instance) !== generation) {
    post({ type: "memory", id: instance.id, module: instance.module.id, memory: instance.memory });
    sent.set(instance, generation);
  }
}

function spawn(count: number): boolean {
  const created: PoolWorker[] = [];
  try {
    for (let i = 0; i < count; i++) created.push(newWorker());
  } catch {
    for (const w of created) void w.terminate();
    // Refused at once (no Worker, or a policy that forbids the source): the next source, or none.
    if (workerSource === "file") {
      workerSource = "blob";
      return spawn(count);
    }
    workersFailed = true;
    return false;
  }
  if (created.length === 0) return false;
  workers = created;
  post({ type: "init", control, layout: LAYOUT });
  return true;
}

function newWorker(): PoolWorker {
  if (isNode) {
    if (nodeWorkers === undefined) throw new Error("worker_threads not loaded yet");
    // execArgv: [] so that the worker loads no loader of the parent's (tsx) and evaluates as a script.
    const w = new nodeWorkers.Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    w.on("error", failed);
    w.unref();
    return w;
  }
  const g = globalThis as { Worker?: new (url: string | URL, options?: { type: "module" }) => PoolWorker; Blob?: new (parts: string[], o: { type: string }) => object; URL?: { createObjectURL(b: object): string } };
  if (g.Worker === undefined) throw new Error("no Worker");
  if (workerSource === "file") {
    // The worker's file beside this module (a same-origin script, which a page's CSP allows with
    // worker-src 'self'); a bundler that follows `new URL(…, import.meta.url)` emits it.
    // A module worker: tsc's copy in dist/ ends with `export {}`.
    const w = new g.Worker(new URL("./krylov-pool-worker.js", import.meta.url), { type: "module" }) as PoolWorker & { onerror?: unknown };
    w.onerror = fileFailed;
    return w;
  }
  if (g.Blob === undefined || g.URL === undefined) throw new Error("no Blob");
  const w = new g.Worker(g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: "text/javascript" }))) as PoolWorker & { onerror?: unknown };
  w.onerror = failed;
  return w;
}

/**
 * A browser's worker from the file failed to load (a bundle that did not emit the file: a 404):
 * the workers restart on the next job from a `blob:` URL of the same code.
 */
function fileFailed(): void {
  if (workerSource !== "file") return;
  workerSource = "blob";
  stopWorkers();
}

/**
 * A worker failed (a Node worker, or a browser's from a blob: URL: it could not start, e.g. under
 * a policy that forbids blob: workers, or it threw outside a chunk): the pool stops for good and
 * every kernel runs on the calling thread.
 * A job in progress still completes, since the main thread runs every chunk nobody claimed.
 */
function failed(): void {
  workersFailed = true;
  stopWorkers();
}

function post(message: { type: string; [key: string]: unknown }): void {
  const c = ctl as Int32Array;
  for (const w of workers) w.postMessage(message);
  Atomics.add(c, POSTED, 1);
  Atomics.notify(c, SEQ);
}

/** f(a[at], …, a[at + n − 1]): spelled out for the argument counts of the kernels that split (no array per call). */
function call(f: (...args: number[]) => unknown, a: Float64Array, at: number, n: number): unknown {
  switch (n) {
    case 0: return f();
    case 1: return f(a[at] as number);
    case 2: return f(a[at] as number, a[at + 1] as number);
    case 3: return f(a[at] as number, a[at + 1] as number, a[at + 2] as number);
    case 4: return f(a[at] as number, a[at + 1] as number, a[at + 2] as number, a[at + 3] as number);
    case 5: return f(a[at] as number, a[at + 1] as number, a[at + 2] as number, a[at + 3] as number, a[at + 4] as number);
    case 6: return f(a[at] as number, a[at + 1] as number, a[at + 2] as number, a[at + 3] as number, a[at + 4] as number, a[at + 5] as number);
    case 7: return f(a[at] as number, a[at + 1] as number, a[at + 2] as number, a[at + 3] as number, a[at + 4] as number, a[at + 5] as number, a[at + 6] as number);
    case 8: return f(a[at] as number, a[at + 1] as number, a[at + 2] as number, a[at + 3] as number, a[at + 4] as number, a[at + 5] as number, a[at + 6] as number, a[at + 7] as number);
    case 9: return f(a[at] as number, a[at + 1] as number, a[at + 2] as number, a[at + 3] as number, a[at + 4] as number, a[at + 5] as number, a[at + 6] as number, a[at + 7] as number, a[at + 8] as number);
    case 13: return f(a[at] as number, a[at + 1] as number, a[at + 2] as number, a[at + 3] as number, a[at + 4] as number, a[at + 5] as number, a[at + 6] as number, a[at + 7] as number, a[at + 8] as number, a[at + 9] as number, a[at + 10] as number, a[at + 11] as number, a[at + 12] as number);
    default: return f(...a.subarray(at, at + n));
  }
}

function wasm(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}
