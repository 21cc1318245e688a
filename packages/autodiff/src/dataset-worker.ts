/**
 * The worker side of the data-parallel dataset products (dataset-parallel.ts has the design):
 * the layout of the shared control block, and the loop a worker runs — claim the next batch,
 * run the operator's plan on it, post the outputs in the worker's slot — until the product has
 * no batch left.
 *
 * A worker loads this module (so the package's ops and the plan executor) once; it never splits
 * its own kernels (`setThreads(1)`: the threads are the workers), and it uses the kernel backend
 * the main thread has when it publishes a product, so that its plans give the bits the main
 * thread's would. (Plans rebuilt here choose between arena and plain buffers by that backend.)
 *
 * @module
 */
import { setKernelBackend, setThreads, type KernelBackend } from "@krylov-ts/operators";
import type { Plan } from "./plan.js";
import { planOf, type PortablePlan } from "./portable-plan.js";

/** Int32 words of the control block. */
export const SEQ = 0; // the product's number: a store and a notify publish a product
export const NEXT = 1; // the next batch to claim
export const BATCHES = 2; // batches of the product
export const OPERATOR = 3; // which operator
export const PARTICIPANTS = 4; // workers 0…PARTICIPANTS−1 take part
export const STOP = 5; // set by the main thread: claim nothing more
export const EVENTS = 7; // bumped (and notified) when a slot fills or a participant leaves a product
export const ERROR = 8; // a batch threw (its message in the text area)
export const READY = 9; // workers that loaded this module
export const FAILED = 10; // a worker could not load it
export const BACKEND = 11; // the main thread's kernel backend, as its position in BACKENDS

/** The kernel backends, by their number in the `BACKEND` word. */
export const BACKENDS: readonly KernelBackend[] = ["js", "simd", "relaxed-simd"];
/**
 * Words of worker w: its slot's state (0 empty, 1 holds a batch's outputs), the batch the slot
 * holds, and the last product (SEQ) the worker has left.
 */
export const STATE = 16;
export const HOLDS = STATE + 64;
export const LEFT = HOLDS + 64;
export const INTS = LEFT + 64;
/** Bytes of the text area (an error's message, UTF-8) after the words. */
export const TEXT_BYTES = 1024;
export const CONTROL_BYTES = 4 * INTS + TEXT_BYTES;

/** What a worker is told of one operator, once. */
export interface OperatorMessage {
  readonly type: "operator";
  readonly id: number;
  /** Plans by batch size (the full size, and the last batch's when smaller). */
  readonly plans: ReadonlyArray<readonly [number, PortablePlan]>;
  readonly samples: number;
  readonly batchSize: number;
  readonly inputs: Float64Array;
  readonly targets: Float64Array;
  /** θ (length n), then the varying inputs, written by the main thread before each product. */
  readonly io: Float64Array;
  readonly n: number;
  readonly varyingSizes: readonly number[];
  /** Slots of the participants, each the outputs one after another. */
  readonly slots: Float64Array;
}

/** The message that makes a worker drop an operator (the main thread collected it). */
export interface ForgetMessage {
  readonly type: "forget";
  readonly id: number;
}

/** What the bootstrap passes to {@link runDatasetWorker}. */
export interface WorkerStart {
  readonly control: SharedArrayBuffer;
  readonly index: number;
}

interface Port {
  postMessage(m: unknown): void;
}
type Receive = (port: Port) => { message: unknown } | undefined;

/** An operator as a worker holds it: its plans (built on first use) and views of its shared memory. */
class WorkerOperator {
  private readonly plans = new Map<number, Plan>();
  readonly theta: Float64Array;
  readonly vals: Float64Array[];
  /** This worker's private outputs (a batch is computed here while the slot still holds the last). */
  readonly outs: Float64Array[];
  readonly outLength: number;
  private readonly inSize: number;
  private readonly outSize: number;

  constructor(readonly m: OperatorMessage) {
    this.theta = m.io.subarray(0, m.n);
    let at = m.n;
    this.vals = m.varyingSizes.map((s) => m.io.subarray(at, (at += s)));
    const sizes = (m.plans[0] as readonly [number, PortablePlan])[1].outputSizes;
    this.outs = sizes.map((s) => new Float64Array(s));
    this.outLength = sizes.reduce((a, b) => a + b, 0);
    this.inSize = m.inputs.length / m.samples;
    this.outSize = m.targets.length / m.samples;
  }

  /** Runs batch k into `outs`. */
  run(k: number): void {
    const m = this.m;
    const start = k * m.batchSize;
    const b = Math.min(m.batchSize, m.samples - start);
    let plan = this.plans.get(b);
    if (plan === undefined) {
      const p = m.plans.find(([size]) => size === b);
      if (p === undefined) throw new Error(`no plan for a batch of ${b}`);
      plan = planOf(p[1]);
      this.plans.set(b, plan);
    }
    plan.runFixed([this.theta, m.inputs.subarray(start * this.inSize, (start + b) * this.inSize), m.targets.subarray(start * this.outSize, (start + b) * this.outSize)]);
    plan.runVarying(this.vals, this.outs);
  }
}

/**
 * A worker's life: takes the messages the main thread posted, then sleeps on `SEQ` until a
 * product is published, runs its share, and sleeps again. Never returns (the main thread
 * terminates the worker, or the process ends).
 */
export function runDatasetWorker(start: WorkerStart, port: Port, receive: Receive): void {
  setThreads(1);
  let backend = -1;
  const ctl = new Int32Array(start.control, 0, INTS);
  const text = new Uint8Array(start.control, 4 * INTS, TEXT_BYTES);
  const w = start.index;
  const operators = new Map<number, WorkerOperator>();
  const drain = (): void => {
    for (let r = receive(port); r !== undefined; r = receive(port)) {
      const m = r.message as OperatorMessage | ForgetMessage;
      if (m.type === "operator") operators.set(m.id, new WorkerOperator(m));
      else operators.delete(m.id);
    }
  };
  // The operator of the product: posted before the product was published, so drained by now or on a second look.
  const operator = (id: number): WorkerOperator | undefined => {
    if (!operators.has(id)) drain();
    return operators.get(id);
  };
  // Read before telling the main thread: it publishes the first product once every worker is ready.
  let seen = Atomics.load(ctl, SEQ);
  Atomics.add(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  for (;;) {
    drain();
    const s = Atomics.load(ctl, SEQ);
    if (s === seen) {
      Atomics.wait(ctl, SEQ, s);
      continue;
    }
    seen = s;
    // PARTICIPANTS is written last before SEQ: seeing oneself among them, one sees the whole product.
    if (w >= Atomics.load(ctl, PARTICIPANTS)) continue;
    try {
      if (Atomics.load(ctl, BACKEND) !== backend) {
        backend = Atomics.load(ctl, BACKEND);
        setKernelBackend(BACKENDS[backend] as KernelBackend);
      }
      share(ctl, w, operator(Atomics.load(ctl, OPERATOR)));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      text.fill(0);
      new TextEncoder().encodeInto(message.slice(0, TEXT_BYTES / 4), text);
      Atomics.store(ctl, ERROR, 1);
    }
    Atomics.store(ctl, LEFT + w, s);
    Atomics.add(ctl, EVENTS, 1);
    Atomics.notify(ctl, EVENTS);
  }
}

/** One worker's part of a product: batches claimed in increasing order, each posted in the worker's slot. */
function share(ctl: Int32Array, w: number, op: WorkerOperator | undefined): void {
  if (op === undefined) throw new Error("the worker does not know the operator");
  const slot = op.m.slots.subarray(w * op.outLength, (w + 1) * op.outLength);
  const batches = Atomics.load(ctl, BATCHES);
  for (;;) {
    if (Atomics.load(ctl, STOP) !== 0) return;
    const k = Atomics.add(ctl, NEXT, 1);
    if (k >= batches) return;
    op.run(k);
    // Wait until the main thread has taken the batch this slot holds (or stops the product).
    while (Atomics.load(ctl, STATE + w) !== 0) Atomics.wait(ctl, STATE + w, 1);
    if (Atomics.load(ctl, STOP) !== 0) return;
    let at = 0;
    for (const o of op.outs) {
      slot.set(o, at);
      at += o.length;
    }
    Atomics.store(ctl, HOLDS + w, k);
    Atomics.store(ctl, STATE + w, 1);
    Atomics.add(ctl, EVENTS, 1);
    Atomics.notify(ctl, EVENTS);
  }
}
