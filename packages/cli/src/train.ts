/**
 * Full-batch training by Adam on the gradients of our own autodiff.
 *
 * Adam (Kingma & Ba 2015, Algorithm 1): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * θ ← θ − lr·m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 *
 * @module
 */
import { gradientFunction, type Tensor } from "@krylov-ts/autodiff";
import { vec } from "@krylov-ts/operators";
import type { Progress } from "./progress.js";

/** Options of `train`. */
export interface TrainOptions {
  /** Adam steps (full-batch gradient evaluations). */
  readonly steps: number;
  /** Learning rate. */
  readonly lr: number;
  /** Default 0.9, 0.999, 1e-8 (the paper's). */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Called after every gradient evaluation with the step (0 at θ₀) and the loss there. */
  readonly onStep?: (step: number, loss: number) => void;
}

/** What `train` returns: the trained θ (a new array) and the loss after each step. */
export interface TrainResult {
  readonly theta: Float64Array;
  /** Loss at θ₀, θ₁, …, θ_steps (length steps + 1). */
  readonly losses: number[];
  /** ‖∇f(θ)‖ at the trained point. */
  readonly gradientNorm: number;
  /** Gradient evaluations (steps + 1). */
  readonly gradients: number;
  readonly seconds: number;
}

/** Minimizes `f` from `theta0` (not modified) by Adam. */
export function train(
  f: (theta: Tensor) => Tensor,
  theta0: Float64Array,
  options: TrainOptions,
  bar: Progress,
): TrainResult {
  const n = theta0.length;
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  const lr = options.lr;
  const fg = gradientFunction(f, n);
  const theta = Float64Array.from(theta0);
  const x = vec(theta.length);
  const gOut = vec(n);
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const losses: number[] = [];
  const t0 = performance.now();
  bar.start("training (Adam)", options.steps);
  let g = gOut.data;
  for (let t = 1; t <= options.steps + 1; t++) {
    x.data.set(theta);
    const { value, gradient } = fg(x, gOut);
    losses.push(value);
    options.onStep?.(t - 1, value);
    g = gradient.data.subarray(gradient.offset, gradient.offset + n);
    if (t > options.steps) break;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * gi; // m ← β₁m + (1−β₁)g
      const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi; // v ← β₂v + (1−β₂)g²
      m[i] = mi;
      v[i] = vi;
      theta[i] = (theta[i] as number) - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
    if (t % 10 === 0 || t === options.steps) bar.update(t, `loss ${value.toPrecision(4)}`);
  }
  bar.stop();
  let gg = 0;
  for (let i = 0; i < n; i++) gg += (g[i] as number) ** 2;
  return {
    theta,
    losses,
    gradientNorm: Math.sqrt(gg),
    gradients: options.steps + 1,
    seconds: (performance.now() - t0) / 1000,
  };
}
