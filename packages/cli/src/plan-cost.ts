/**
 * What a `krylov hessian` run on the CNN (`--model cnn`) or a TF.js model (`--model MODEL.json`)
 * will cost, measured on the model's own compiled plans before any data is bound: the gradient
 * plan and the H·v plan are compiled for batches of 1 and 2 samples (a few milliseconds), and
 * their buffer bytes and flops (`describe()`) are each a + b·samples.
 *
 * Memory (bytes): the gradient plan of full-batch training over all the samples, the H·v and
 * gradient plans of one streamed batch (`--batch-size`, at most the samples) on each thread the
 * streamed products spread over (`threads()`, at most the batches), the data (inputs and
 * targets; twice when the products run on worker threads, which share one copy of it), the
 * vectors over the n parameters and the loss curve (as for the MLP).
 * These are the plans' own buffers; the process holds more (V8, the graph, the mnist package's
 * 10,000 digits).
 *
 * Time: steps + 1 full-batch gradients, and probes + slqProbes·slqSteps + maxIterations H·v
 * products over all the samples, each counting its point-dependent part too (a streamed product
 * rebinds each batch). Seconds are plan flops over `PLAN_FLOP_RATE`, a conservative rate: the
 * CNN's streamed gradient and H·v run at about 2·10⁹ plan flop/s on one loaded core here.
 *
 * @module
 */
import { compile, grad, hvp, input, type Shape, type Tensor } from "@krylov-ts/autodiff";
import { threads } from "@krylov-ts/operators";
import type { OptionValues } from "./args.js";
import { num } from "./args.js";
import { costOf, refuseOverBudget, vectorBytes, type CostTerm, type HessianCost } from "./cost.js";

/** Assumed plan flops a second for the time estimate. */
export const PLAN_FLOP_RATE = 5e8;

/** a + b·samples. */
interface PerSample {
  readonly fixed: number;
  readonly perSample: number;
}
const at = (p: PerSample, samples: number): number => p.fixed + p.perSample * samples;

/** A model's gradient and H·v plans, per sample. */
export interface PlanProfile {
  readonly parameters: number;
  readonly inputShape: Shape;
  readonly targetShape: Shape;
  readonly gradientBytes: PerSample;
  readonly gradientFlops: PerSample;
  readonly hvBytes: PerSample;
  readonly hvFlops: PerSample;
}

/** The batch loss of a model: θ [n], inputs [B, …inputShape], targets [B, …targetShape] → a scalar. */
export type ProfiledLoss = (theta: Tensor, inputs: Tensor, targets: Tensor) => Tensor;

/** Compiles the gradient and H·v plans of `loss` for batches of 1 and 2 samples and fits a + b·samples. */
export function planProfile(parameters: number, inputShape: Shape, targetShape: Shape, loss: ProfiledLoss): PlanProfile {
  const measure = (batch: number) => {
    const theta = input([parameters], "theta");
    const v = input([parameters], "v");
    const X = input([batch, ...inputShape], "inputs");
    const Y = input([batch, ...targetShape], "targets");
    const f = (t: Tensor): Tensor => loss(t, X, Y);
    const y = f(theta);
    const [g] = grad(y, [theta]);
    const gradient = compile([theta, X, Y], [y, g as Tensor]).describe();
    const hv = compile([v], [hvp(f, theta, v)], { fixed: [theta, X, Y] }).describe();
    return [gradient.bufferBytes, gradient.flops, hv.bufferBytes, hv.flops + hv.fixedFlops] as const;
  };
  const one = measure(1);
  const two = measure(2);
  const fit = (k: number): PerSample => ({ fixed: Math.max(0, 2 * one[k]! - two[k]!), perSample: two[k]! - one[k]! });
  return { parameters, inputShape, targetShape, gradientBytes: fit(0), gradientFlops: fit(1), hvBytes: fit(2), hvFlops: fit(3) };
}

/** The options of the run and the data's size. */
export interface PlanRun {
  readonly samples: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly top: number;
  readonly bottom: number;
  readonly probes: number;
  readonly slqProbes: number;
  readonly slqSteps: number;
  readonly maxIterations: number;
  /** The option that sets the sample count (`--train-samples`, `--data`). */
  readonly samplesOption: string;
}

/** Estimates the memory and time of a run on a profiled model (see the module comment). */
export function planCost(p: PlanProfile, s: PlanRun): HessianCost {
  const n = p.parameters;
  const batch = Math.min(s.batchSize, s.samples);
  const size = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
  const slqSteps = Math.min(s.slqSteps, n);
  // The dataset operators spread a product's batches over this many threads, each with its plans.
  const T = Math.min(threads(), Math.ceil(s.samples / batch));
  const memory: CostTerm[] = [
    { what: `the gradient plan of full-batch training on ${s.samples} samples (${s.samplesOption})`, amount: at(p.gradientBytes, s.samples) },
    { what: `the H·v and gradient plans of a batch of ${batch} samples (--batch-size)${T > 1 ? `, one on each of ${T} threads` : ""}`, amount: T * (at(p.hvBytes, batch) + at(p.gradientBytes, batch)) },
    { what: `the ${s.samples} samples' inputs and targets (${s.samplesOption})${T > 1 ? ", and the copy the threads share" : ""}`, amount: (T > 1 ? 2 : 1) * 8 * s.samples * (size(p.inputShape) + size(p.targetShape)) },
    { what: `the vectors over n = ${n} parameters`, amount: vectorBytes(n, s) },
    { what: `the loss curve of ${s.steps} steps (--steps)`, amount: 58 * (s.steps + 1) },
  ];
  const gradient = at(p.gradientFlops, s.samples) / PLAN_FLOP_RATE;
  // A streamed product is one run of the plan per batch, the last one partial.
  const batches = Math.ceil(s.samples / batch);
  const product = (batches * at(p.hvFlops, batch) - (batches * batch - s.samples) * p.hvFlops.perSample) / PLAN_FLOP_RATE;
  const time: CostTerm[] = [
    { what: `${s.steps} full-batch Adam steps on ${s.samples} samples (--steps, ${s.samplesOption})`, amount: (s.steps + 1) * gradient },
    { what: `${s.probes} Hutchinson probes (--probes)`, amount: s.probes * product },
    { what: `${s.slqProbes}×${slqSteps} SLQ products (--slq-probes, --slq-steps)`, amount: s.slqProbes * slqSteps * product },
    { what: `up to ${s.maxIterations} Newton iterations (--max-iterations)`, amount: s.maxIterations * product },
  ];
  return costOf(n, memory, time);
}

/**
 * Refuses, with a `UsageError` naming the dominant term, a run on a profiled model whose
 * estimated memory or time exceeds --max-memory or --max-hours.
 */
export function checkPlanCost(v: OptionValues, profile: PlanProfile, samples: number, samplesOption: string): void {
  const cost = planCost(profile, {
    samples,
    samplesOption,
    batchSize: num(v, "batch-size"),
    steps: num(v, "steps"),
    top: num(v, "top"),
    bottom: num(v, "bottom"),
    probes: num(v, "probes"),
    slqProbes: num(v, "slq-probes"),
    slqSteps: num(v, "slq-steps"),
    maxIterations: num(v, "max-iterations"),
  });
  refuseOverBudget(v, cost, "5·10⁸ flop/s of the compiled plans");
}
