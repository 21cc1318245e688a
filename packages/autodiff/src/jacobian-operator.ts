/**
 * `jacobianOperator(f, x0)`: the m×n Jacobian of a vector-valued f at x0 as a `LinearOperator`
 * (apply = JVP, applyTranspose = VJP), and `vjpOperator`, its n×m transpose.
 *
 * @module
 */
import { BaseOperator, asVec, len, type Vec, type VecLike } from "@krylov-ts/operators";
import { Tensor, input, shapeStr, type Shape } from "./graph.js";
import { grad } from "./grad.js";
import { jvp } from "./jvp.js";
import { mul } from "./ops/mul.js";
import { sum } from "./ops/sum.js";
import { reshape } from "./ops/reshape.js";
import { stopGradient } from "./ops/stop-gradient.js";
import { compile, type CompiledDescription, type CompiledFunction } from "./compile.js";

/** A function from the flat parameter Tensor [n] to a Tensor of any shape (m entries in all). */
export type VectorFunction = (x: Tensor) => Tensor;

/** Calls f(x), re-throwing a shape or type error raised inside it with the entry point named. */
function traceVector(fn: string, f: VectorFunction, x: Tensor): Tensor {
  if (typeof f !== "function") throw new TypeError(`${fn}: f must be a function from a Tensor to a Tensor`);
  let y: unknown;
  try {
    y = f(x);
  } catch (e) {
    if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
    const Err = e instanceof RangeError ? RangeError : TypeError;
    throw new Err(`${fn}: f failed on an input of shape ${shapeStr(x.shape)}: ${e.message}`, { cause: e });
  }
  if (!(y instanceof Tensor)) throw new TypeError(`${fn}: f must return a Tensor`);
  return y;
}

/**
 * The Jacobian J = ∂f/∂x (m×n, m = f's size, entries in f's row-major order) at a point, as a
 * matrix-free operator, or its transpose (n×m) when built by `vjpOperator`.
 *
 * Two plans are compiled once, each with the point x as a fixed input: the JVP u ↦ J u
 * (forward mode, Pearlmutter's R-op) and the VJP w ↦ Jᵀ w (reverse mode, the gradient of
 * ⟨f(x), w⟩ with w held constant). Their x-only part (the forward pass, the activations'
 * derivatives) runs once per point (`setPoint`); a product runs the rest, with buffers
 * planned once. No m×n matrix is formed anywhere.
 */
export class JacobianOperator extends BaseOperator {
  /** m, the number of outputs of f. */
  readonly outputs: number;
  /** n, the number of inputs. */
  readonly inputs: number;
  /** The shape of f's output. */
  readonly outputShape: Shape;
  private readonly jvpFn: CompiledFunction;
  private readonly vjpFn: CompiledFunction;
  private readonly valueFn: CompiledFunction;
  private readonly point: Float64Array;
  private readonly transposed: boolean;
  private readonly vals: Float64Array[] = [new Float64Array(0)];
  private readonly outs: Float64Array[] = [new Float64Array(0)];

  /** @internal use `jacobianOperator` or `vjpOperator` */
  constructor(name: string, f: VectorFunction, x0: Vec, transposed: boolean) {
    const n = len(x0);
    const x = input([n], "x");
    const y = traceVector(name, f, x);
    const m = y.size;
    super(name, transposed ? n : m, transposed ? m : n, false, true);
    this.outputs = m;
    this.inputs = n;
    this.outputShape = y.shape;
    this.transposed = transposed;
    const yf = y.rank === 1 ? y : reshape(y, [m]);
    const u = input([n], "u");
    const w = input([m], "w");
    const ju = jvp([yf], [x], [stopGradient(u)])[0] as Tensor; // J u
    const jtw = grad(sum(mul(yf, stopGradient(w))), [x])[0] as Tensor; // Jᵀ w = ∇ₓ⟨f(x), w⟩
    this.jvpFn = compile([u], [ju], { fixed: [x] });
    this.vjpFn = compile([w], [jtw], { fixed: [x] });
    this.valueFn = compile([x], [yf]);
    this.point = new Float64Array(n);
    this.setPoint(x0);
  }

  /** Moves the operator to the point `x` (recomputes the parts that depend on x only, once). */
  setPoint(x: VecLike): this {
    const fn = `${this.name}.setPoint`;
    const xv = asVec(x, fn, "x");
    if (len(xv) !== this.inputs) throw new RangeError(`${fn}: x has length ${len(xv)} but f takes ${this.inputs} inputs`);
    for (let i = 0; i < this.inputs; i++) this.point[i] = xv.get(i);
    this.jvpFn.bindFixed([this.point]);
    this.vjpFn.bindFixed([this.point]);
    return this;
  }

  /** f at the current point, flattened (length m): into `out` when given, else a new array. */
  value(out?: Float64Array): Float64Array {
    const o = out ?? new Float64Array(this.outputs);
    if (!(o instanceof Float64Array) || o.length !== this.outputs) {
      throw new RangeError(`${this.name}.value: out must be a Float64Array of length ${this.outputs}`);
    }
    this.valueFn.run([this.point], [o]);
    return o;
  }

  /** The compiled plans' counts: `jvp` (J u) and `vjp` (Jᵀ w). */
  describe(): { jvp: CompiledDescription; vjp: CompiledDescription } {
    return { jvp: this.jvpFn.describe(), vjp: this.vjpFn.describe() };
  }

  protected _apply(x: Vec, out: Vec): void {
    this.product(this.transposed ? this.vjpFn : this.jvpFn, x, out);
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    this.product(this.transposed ? this.jvpFn : this.vjpFn, x, out);
  }

  private product(fn: CompiledFunction, x: Vec, out: Vec): void {
    this.vals[0] = contiguous(x, this.vals[0] as Float64Array);
    this.outs[0] = contiguous(out, this.outs[0] as Float64Array);
    fn.run(this.vals, this.outs);
  }
}

/** The entries of a contiguous vector as a Float64Array, reusing `last` when it is that view already. */
function contiguous(v: Vec, last: Float64Array): Float64Array {
  const n = len(v);
  const d = v.data;
  if (v.offset === 0 && d.length === n) return d;
  if (last.buffer === d.buffer && last.byteOffset === d.byteOffset + v.offset * 8 && last.length === n) return last;
  return d.subarray(v.offset, v.offset + n);
}

/**
 * The Jacobian of a vector-valued f at x0 as an m×n `LinearOperator`: `apply(u)` is the JVP
 * J u, `applyTranspose(w)` the VJP Jᵀ w, both compiled once. With `lsqr`/`lsmr` of
 * @krylov-ts/krylov this gives a matrix-free Gauss–Newton step:
 * `lsqr(J, J.value().map((r) => -r))` solves min ‖J δ + r(x)‖ for the step δ.
 *
 * @param f - from the flat parameter Tensor [n] to a Tensor of m entries (any shape; the rows
 *   of J follow its row-major order)
 * @param x0 - the point, length n (copied; move it with `setPoint`)
 * @example
 * const J = jacobianOperator((x) => mul(x, x), [1, 2]); // diag(2, 4)
 * J.apply(vec([1, 1])) // [2, 4]
 */
export function jacobianOperator(f: VectorFunction, x0: VecLike): JacobianOperator {
  return new JacobianOperator("jacobianOperator", f, asVec(x0, "jacobianOperator", "x0"), false);
}

/**
 * The transposed Jacobian Jᵀ (n×m) of a vector-valued f at x0: `apply(w)` is the VJP Jᵀ w
 * (a gradient of ⟨f, w⟩), `applyTranspose(u)` the JVP J u. The same object as
 * `jacobianOperator` with the directions swapped.
 *
 * @example
 * const Jt = vjpOperator((x) => mul(x, x), [1, 2]);
 * Jt.apply(vec([1, 1])) // [2, 4]
 */
export function vjpOperator(f: VectorFunction, x0: VecLike): JacobianOperator {
  return new JacobianOperator("vjpOperator", f, asVec(x0, "vjpOperator", "x0"), true);
}
