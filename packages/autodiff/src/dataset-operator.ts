/**
 * Whole-dataset curvature: the Hessian (and gradient, and Gauss–Newton matrix) of the mean loss
 * over a data set, each product streamed over minibatches so that memory is O(batch), not
 * O(data set), the minibatches spread over worker threads where there are any
 * (dataset-parallel.ts).
 *
 * @module
 */
import { BaseOperator, asVec, checkOptions, len, threads as poolThreads, vec, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { input, shapeStr, Tensor } from "./graph.js";
import { compile } from "./compile.js";
import { datasetParallelSupported, MAX_DATASET_WORKERS, ParallelProduct } from "./dataset-parallel.js";
import { planOf, portable, type PortablePlan } from "./portable-plan.js";
import { grad } from "./grad.js";
import { jvp } from "./jvp.js";
import { hvpGraph, resolveMode, type HvpMode } from "./hvp.js";
import { stopGradient } from "./ops/stop-gradient.js";
import { sum } from "./ops/sum.js";
import { mul } from "./ops/mul.js";

/** A supervised data set: `size` samples, each an input of `inputShape` and a target of `targetShape`, row-major. */
export interface Dataset {
  /** The inputs, size × ∏inputShape values (sample i's at i·∏inputShape). */
  readonly inputs: Float64Array;
  /** The targets, size × ∏targetShape values. */
  readonly targets: Float64Array;
  readonly inputShape: readonly number[];
  readonly targetShape: readonly number[];
}

/** One minibatch as graph inputs: X [B, …inputShape], Y [B, …targetShape]. */
export interface Batch {
  readonly inputs: Tensor;
  readonly targets: Tensor;
}

/** The mean loss of a minibatch at the flat parameters θ. */
export type BatchLoss = (theta: Tensor, batch: Batch) => Tensor;

/** Options of the dataset operators. */
export interface DatasetOptions {
  /** Samples per minibatch (the last one may be smaller). Default 256. */
  readonly batchSize?: number;
  /** H·v mode (see `hessianOperator`). */
  readonly mode?: HvpMode;
  /** Checked between minibatches: an aborted signal makes the product throw its reason. */
  readonly signal?: AbortSignal;
  /** Called after each minibatch of a product with (batches done, batches in all), in batch order. */
  readonly onBatch?: (done: number, total: number) => void;
  /**
   * Threads a product's batches are spread over (dataset-parallel.ts), 1…64; the result has the
   * same bits for any number. Default the kernel pool's `threads()` when the product runs (see
   * `setThreads`). Where shared memory or worker threads are unavailable, products run on the
   * calling thread whatever the number.
   */
  readonly threads?: number;
}

const DATASET_OPTIONS = { batchSize: true, mode: true, signal: true, onBatch: true, threads: true } as const satisfies OptionKeys<DatasetOptions>;

/** A plan a batch size runs: bind θ and the batch, then run on the varying inputs. */
interface BatchPlan {
  bindFixed(values: readonly Float64Array[]): void;
  run(values: readonly Float64Array[], outs: readonly Float64Array[]): unknown;
}

/**
 * The batches of a data set and, per batch size met (the full size and the last, partial one),
 * one compiled plan with θ and the batch as fixed inputs; products on the calling thread, or
 * spread over worker threads (dataset-parallel.ts) with the same result.
 */
class Streamer {
  readonly size: number;
  readonly batchSize: number;
  readonly batches: number;
  /** The `threads` option (undefined: the pool's `threads()` at each product). */
  private readonly requested: number | undefined;
  private readonly inSize: number;
  private readonly outSize: number;
  private readonly plans = new Map<number, BatchPlan>();
  /** The portable form of each batch size's plan (`null`: it uses an op the workers lack). */
  private readonly portables = new Map<number, PortablePlan | null>();
  /** The workers' share of this operator (`null`: products stay on the calling thread). */
  private parallel: ParallelProduct | null | undefined;
  /** The point θ bound last, when the whole data set is one batch (its bound state is then still valid). */
  private bound: number | undefined;

  constructor(
    fn: string,
    private readonly data: Dataset,
    private readonly options: DatasetOptions,
    private readonly build: (theta: Tensor, batch: Batch) => { inputs: Tensor[]; outputs: Tensor[] },
    private readonly n: number,
  ) {
    checkOptions(fn, options, DATASET_OPTIONS);
    this.inSize = data.inputShape.reduce((a, b) => a * b, 1);
    this.outSize = data.targetShape.reduce((a, b) => a * b, 1);
    const size = this.inSize === 0 ? 0 : data.inputs.length / this.inSize;
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`${fn}: data.inputs has ${data.inputs.length} values, not a positive multiple of ∏inputShape = ${this.inSize} (inputShape ${shapeStr(data.inputShape)})`);
    }
    if (data.targets.length !== size * this.outSize) {
      throw new RangeError(`${fn}: data.targets has ${data.targets.length} values but ${size} samples of targetShape ${shapeStr(data.targetShape)} need ${size * this.outSize}`);
    }
    const b = options.batchSize ?? 256;
    if (!Number.isInteger(b) || b < 1) throw new RangeError(`${fn}: batchSize must be a positive integer, got ${b}`);
    const t = options.threads;
    if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > MAX_DATASET_WORKERS)) throw new RangeError(`${fn}: threads must be an integer in 1…${MAX_DATASET_WORKERS}, got ${t}`);
    this.requested = t;
    this.size = size;
    this.batchSize = Math.min(b, size);
    this.batches = Math.ceil(size / this.batchSize);
  }

  /** Threads the next product is spread over (1: the calling thread). */
  get threads(): number {
    return datasetParallelSupported() ? Math.min(this.requested ?? poolThreads(), this.batches) : 1;
  }

  /** The graph of batches of `b` samples, optimized, as data (built on first use). */
  private portable(b: number): PortablePlan | null {
    let p = this.portables.get(b);
    if (p === undefined) {
      const { inputs, outputs, fixed } = this.graph(b);
      p = portable(inputs, outputs, fixed) ?? null;
      this.portables.set(b, p);
    }
    return p;
  }

  private graph(b: number): { inputs: Tensor[]; outputs: Tensor[]; fixed: Tensor[] } {
    const theta = input([this.n], "theta");
    const X = input([b, ...this.data.inputShape], "inputs");
    const Y = input([b, ...this.data.targetShape], "targets");
    return { ...this.build(theta, { inputs: X, targets: Y }), fixed: [theta, X, Y] };
  }

  /**
   * The plan for batches of `b` samples (built on first use): from the portable form, as the
   * workers build theirs, or compiled here when the graph has an op of the user's.
   */
  private plan(b: number): BatchPlan {
    let p = this.plans.get(b);
    if (p === undefined) {
      const data = this.portable(b);
      if (data !== null) {
        const plan = planOf(data);
        p = { bindFixed: (values) => plan.runFixed(values), run: (values, outs) => plan.runVarying(values, outs) };
      } else {
        const { inputs, outputs, fixed } = this.graph(b);
        p = compile(inputs, outputs, { fixed });
      }
      this.plans.set(b, p);
    }
    return p;
  }

  /** The workers' share, made on the first product with more than one thread (null when the plans cannot travel). */
  private parallelProduct(): ParallelProduct | null {
    if (!datasetParallelSupported()) return null;
    if (this.parallel === undefined) {
      const sizes = [...new Set([this.batchSize, this.size - (this.batches - 1) * this.batchSize])];
      const plans = sizes.map((b) => [b, this.portable(b)] as const);
      this.parallel = plans.every(([, p]) => p !== null)
        ? new ParallelProduct(plans as ReadonlyArray<readonly [number, PortablePlan]>, this.data, this.size, this.batchSize, this.n)
        : null;
    }
    return this.parallel;
  }

  /**
   * For each batch, in order: binds θ and the batch, runs the plan on `vals`, and calls
   * `accumulate(weight, outputs)` with the batch's share of the mean, b/size, and its outputs
   * (`outs` when run here, a worker's slot otherwise).
   */
  each(fn: string, theta: Float64Array, vals: Float64Array[], outs: Float64Array[], accumulate: (weight: number, outputs: readonly Float64Array[]) => void, point?: number): void {
    const threads = this.threads;
    if (threads > 1) {
      const p = this.parallelProduct();
      const done = p?.run(fn, threads, theta, vals, this.batches, (k, outputs) => {
        accumulate(Math.min(this.batchSize, this.size - k * this.batchSize) / this.size, outputs);
        this.options.onBatch?.(k + 1, this.batches);
      }, this.options.signal);
      if (done === true) {
        this.bound = undefined;
        return;
      }
    }
    for (let k = 0; k < this.batches; k++) {
      this.options.signal?.throwIfAborted();
      const start = k * this.batchSize;
      const b = Math.min(this.batchSize, this.size - start);
      const p = this.plan(b);
      // One batch and the same point as the last product: θ and the batch are bound already, and
      // the θ-only part (forward pass, gradient) need not run again.
      const reuse = this.batches === 1 && point !== undefined && this.bound === point;
      this.bound = this.batches === 1 ? point : undefined;
      if (!reuse) p.bindFixed([
        theta,
        this.data.inputs.subarray(start * this.inSize, (start + b) * this.inSize),
        this.data.targets.subarray(start * this.outSize, (start + b) * this.outSize),
      ]);
      p.run(vals, outs);
      accumulate(b / this.size, outs);
      this.options.onBatch?.(k + 1, this.batches);
    }
  }
}

/**
 * A symmetric n×n operator v ↦ Σ_batches (b/N)·plan_b(θ, batch, v), streamed over the batches.
 */
class StreamedOperator extends BaseOperator {
  private readonly theta: Float64Array;
  private readonly part: Float64Array;
  /** One product's running sum (out is written only at the end, so an aborted product leaves it as it was). */
  private readonly acc: Float64Array;
  private readonly vals: Float64Array[];
  private readonly outs: Float64Array[];
  /** Which point θ holds (counts the setPoint calls): a single-batch product reuses its binding while it stays. */
  private point = 0;

  constructor(name: string, private readonly stream: Streamer, theta0: Vec) {
    const n = len(theta0);
    super(name, n, n, true, true);
    this.theta = Float64Array.from({ length: n }, (_, i) => theta0.get(i));
    this.part = new Float64Array(n);
    this.acc = new Float64Array(n);
    this.vals = [new Float64Array(n)];
    this.outs = [this.part];
  }

  /** Samples and minibatches each product streams over, and the threads it is spread over. */
  get batches(): { samples: number; batchSize: number; batches: number; threads: number } {
    return { samples: this.stream.size, batchSize: this.stream.batchSize, batches: this.stream.batches, threads: this.stream.threads };
  }

  /** Moves the operator to the point θ. */
  setPoint(theta: VecLike): this {
    const t = asVec(theta, `${this.name}.setPoint`, "theta");
    if (len(t) !== this.theta.length) throw new RangeError(`${this.name}.setPoint: theta has length ${len(t)} but the operator is ${this.theta.length}×${this.theta.length}`);
    for (let i = 0; i < this.theta.length; i++) this.theta[i] = t.get(i);
    this.point++;
    return this;
  }

  protected _apply(x: Vec, out: Vec): void {
    const n = this.theta.length;
    const v = this.vals[0] as Float64Array;
    for (let i = 0; i < n; i++) v[i] = x.get(i);
    const acc = this.acc;
    acc.fill(0);
    this.stream.each(this.name, this.theta, this.vals, this.outs, (w, [part]) => {
      const p = part as Float64Array;
      for (let i = 0; i < n; i++) acc[i] = (acc[i] as number) + w * (p[i] as number);
    }, this.point);
    for (let i = 0; i < n; i++) out.set(i, acc[i] as number);
  }
}

/**
 * The Hessian of the mean loss over a whole data set, (1/N)·Σᵢ ∇²ℓᵢ(θ), as a symmetric
 * `LinearOperator` whose every product streams over minibatches: per batch, the batch's H·v
 * (its forward pass and gradient recomputed, so memory is O(batch)), weighted by b/N, with one
 * compiled plan per batch size (the full size and the last, partial batch, handled exactly).
 * Equal to the Hessian of the loss on all the data at once, up to rounding. The batches of a
 * product are spread over `threads` worker threads (dataset-parallel.ts) whose outputs are added
 * in batch order: the same bits for any number of threads.
 *
 * @param loss - the mean loss of a minibatch: (θ [n], { inputs [B, …], targets [B, …] }) → scalar
 * @param theta0 - the point, length n (copied)
 * @param data - the samples (see `Dataset`)
 * @example
 * const H = datasetHessianOperator((t, b) => softmaxCrossEntropy(model(t, b.inputs), b.targets), theta, mnist, { batchSize: 500 });
 * lanczos(H, { k: 5 });
 */
export function datasetHessianOperator(loss: BatchLoss, theta0: VecLike, data: Dataset, options: DatasetOptions = {}): StreamedOperator {
  const theta = asVec(theta0, "datasetHessianOperator", "theta0");
  const n = len(theta);
  const mode = resolveMode("datasetHessianOperator", { ...(options.mode === undefined ? {} : { mode: options.mode }) });
  const v = input([n], "v");
  const stream = new Streamer("datasetHessianOperator", data, options, (t, batch) => {
    const { hv } = hvpGraph((x) => loss(x, batch), t, v, mode, "datasetHessianOperator");
    return { inputs: [v], outputs: [hv] };
  }, n);
  return new StreamedOperator("datasetHessianOperator", stream, theta);
}

/**
 * The generalized Gauss–Newton matrix of the mean loss over a data set, (1/N)·Σ Jᵢᵀ H_L Jᵢ, as a
 * symmetric positive semi-definite operator streamed over minibatches (see
 * `gaussNewtonOperator` and `datasetHessianOperator`).
 *
 * @param model - (θ, batch inputs [B, …]) → outputs z
 * @param loss - (z, batch targets [B, …]) → the batch's mean loss
 */
export function datasetGaussNewtonOperator(
  model: (theta: Tensor, inputs: Tensor) => Tensor,
  loss: (z: Tensor, targets: Tensor) => Tensor,
  theta0: VecLike,
  data: Dataset,
  options: DatasetOptions = {},
): StreamedOperator {
  const theta = asVec(theta0, "datasetGaussNewtonOperator", "theta0");
  const n = len(theta);
  const v = input([n], "v");
  const stream = new Streamer("datasetGaussNewtonOperator", data, options, (t, batch) => {
    const z = model(t, batch.inputs);
    if (!(z instanceof Tensor)) throw new TypeError("datasetGaussNewtonOperator: model must return a Tensor");
    const zc = stopGradient(z);
    const L = loss(zc, batch.targets);
    const gz = grad(L, [zc])[0] as Tensor;
    const u = jvp([z], [t], [stopGradient(v)])[0] as Tensor; // u = J v
    const w = jvp([gz], [zc], [u])[0] as Tensor; // w = H_L u
    return { inputs: [v], outputs: [grad(sum(mul(z, stopGradient(w))), [t])[0] as Tensor] }; // Jᵀ w
  }, n);
  return new StreamedOperator("datasetGaussNewtonOperator", stream, theta);
}

/**
 * The mean loss over a data set and its gradient at θ, streamed over minibatches (one compiled
 * plan per batch size).
 *
 * @returns a function θ ↦ { value, gradient }, reusable at any θ
 */
export function datasetGradient(loss: BatchLoss, n: number, data: Dataset, options: DatasetOptions = {}): (theta: VecLike) => { value: number; gradient: Vec } {
  const stream = new Streamer("datasetGradient", data, options, (t, batch) => {
    const y = loss(t, batch);
    return { inputs: [], outputs: [y, grad(y, [t])[0] as Tensor] };
  }, n);
  const value = new Float64Array(1);
  const part = new Float64Array(n);
  const theta = new Float64Array(n);
  return (x) => {
    const xv = asVec(x, "datasetGradient", "theta");
    if (len(xv) !== n) throw new RangeError(`datasetGradient: theta has length ${len(xv)} but the function was made for ${n}`);
    for (let i = 0; i < n; i++) theta[i] = xv.get(i);
    const g = vec(n);
    let total = 0;
    stream.each("datasetGradient", theta, [], [value, part], (w, [v, p]) => {
      total += w * ((v as Float64Array)[0] as number);
      for (let i = 0; i < n; i++) g.data[i] = (g.data[i] as number) + w * ((p as Float64Array)[i] as number);
    });
    return { value: total, gradient: g };
  };
}
