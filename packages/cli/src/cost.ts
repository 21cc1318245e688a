/**
 * What a `krylov hessian` run will cost, estimated from its options before anything is
 * trained, so that `--hidden 100000000`, `--probes 1e9` or `--steps 1e12` are refused at once
 * with the term that dominates, instead of exhausting the memory or running for days.
 *
 * Memory (bytes): the data and the activations of the H·v graph (`ACTIVATION_BUFFERS` float64
 * buffers a sample and a unit: values, tangents, adjoints and their tangents, and
 * temporaries), the vectors over the n parameters (each Lanczos run's basis of max(4k, 50)
 * and its k Ritz vectors, SLQ's steps, 30 work vectors, θ* twice in the report), and the loss
 * curve (8 bytes and up to 50 characters of JSON a step).
 *
 * Time: one gradient of the full-batch loss costs about 6·samples·Σ fanIn·fanOut flops (a
 * forward and a backward pass, two flops a multiply-add), one H·v product twice that; the run
 * makes steps + 1 gradients and probes + slqProbes·slqSteps + maxIterations products (Lanczos'
 * products depend on the spectrum and are not counted). Seconds are flops over `FLOP_RATE`,
 * a conservative rate: training runs at about 3·10⁸ flop/s on one loaded core here.
 *
 * @module
 */
import { UsageError, memoryBudget, num, type OptionValues } from "./args.js";
import { gigabytes } from "./matrix.js";

/** Float64 buffers a sample and a unit of the H·v graph holds (an upper estimate). */
export const ACTIVATION_BUFFERS = 24;

/** Assumed flops a second for the time estimate. */
export const FLOP_RATE = 1e8;

/** The options of `krylov hessian` that set its cost. */
export interface HessianShape {
  readonly samples: number;
  /** Layer widths: inputs, hidden…, outputs. */
  readonly widths: readonly number[];
  readonly steps: number;
  readonly top: number;
  readonly bottom: number;
  readonly probes: number;
  readonly slqProbes: number;
  readonly slqSteps: number;
  readonly maxIterations: number;
}

/** One term of an estimate: what it is and how much. */
export interface CostTerm {
  readonly what: string;
  readonly amount: number;
}

/** The estimate: bytes and seconds, each with its terms, largest first. */
export interface HessianCost {
  readonly parameters: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly memory: readonly CostTerm[];
  readonly time: readonly CostTerm[];
}

/** Estimates the memory and time of a `krylov hessian` run (see the module comment). */
export function hessianCost(s: HessianShape): HessianCost {
  let parameters = 0;
  let multiplyAdds = 0;
  for (let l = 0; l + 1 < s.widths.length; l++) {
    const fanIn = s.widths[l] as number;
    const fanOut = s.widths[l + 1] as number;
    parameters += fanIn * fanOut + fanOut;
    multiplyAdds += fanIn * fanOut;
  }
  const units = s.widths.reduce((a, b) => a + b, 0);
  const slqSteps = Math.min(s.slqSteps, parameters);
  const memory: CostTerm[] = [
    { what: `the activations of ${s.samples} samples through ${units} units (--samples, --hidden)`, amount: 8 * ACTIVATION_BUFFERS * s.samples * units },
    { what: `the vectors over n = ${parameters} parameters (--hidden)`, amount: vectorBytes(parameters, s) },
    { what: `the loss curve of ${s.steps} steps (--steps)`, amount: 58 * (s.steps + 1) },
  ];
  const gradient = 6 * s.samples * multiplyAdds;
  const time: CostTerm[] = [
    { what: `${s.steps} Adam steps (--steps)`, amount: ((s.steps + 1) * gradient) / FLOP_RATE },
    { what: `${s.probes} Hutchinson probes (--probes)`, amount: (s.probes * 2 * gradient) / FLOP_RATE },
    { what: `${s.slqProbes}×${slqSteps} SLQ products (--slq-probes, --slq-steps)`, amount: (s.slqProbes * slqSteps * 2 * gradient) / FLOP_RATE },
    { what: `up to ${s.maxIterations} Newton iterations (--max-iterations)`, amount: (s.maxIterations * 2 * gradient) / FLOP_RATE },
  ];
  return costOf(parameters, memory, time);
}

/**
 * Bytes of the vectors over n parameters: each Lanczos run's basis of max(4k, 50) and its k Ritz
 * vectors, SLQ's steps, 30 work vectors, θ* twice in the report (the command caps the SLQ steps
 * and each basis at n, as the solvers do).
 */
export function vectorBytes(parameters: number, s: Pick<HessianShape, "top" | "bottom" | "slqSteps">): number {
  const slqSteps = Math.min(s.slqSteps, parameters);
  const basis = (k: number): number => (k > 0 ? Math.min(Math.max(4 * k, 50), parameters) + k : 0);
  return 8 * parameters * (basis(s.top) + basis(s.bottom) + slqSteps + 30) + 50 * parameters;
}

/** The estimate from its terms: the totals, and the terms largest first. */
export function costOf(parameters: number, memory: readonly CostTerm[], time: readonly CostTerm[]): HessianCost {
  const sum = (t: readonly CostTerm[]): number => t.reduce((a, b) => a + b.amount, 0);
  const largestFirst = (t: readonly CostTerm[]): CostTerm[] => [...t].sort((a, b) => b.amount - a.amount);
  return { parameters, bytes: sum(memory), seconds: sum(time), memory: largestFirst(memory), time: largestFirst(time) };
}

/** A duration for a message: `40 s`, `3.2 h`, `12 days`, `3.1e+5 years`. */
export function duration(seconds: number): string {
  const round = (x: number): string => (x < 1e4 ? String(Number(x.toPrecision(2))) : x.toExponential(1));
  if (seconds < 120) return `${round(seconds)} s`;
  if (seconds < 7200) return `${round(seconds / 60)} min`;
  if (seconds < 2 * 86400) return `${round(seconds / 3600)} h`;
  if (seconds < 2 * 365 * 86400) return `${round(seconds / 86400)} days`;
  return `${round(seconds / (365 * 86400))} years`;
}

/**
 * Seconds of stochastic Lanczos quadrature on a sparse matrix at `FLOP_RATE`: each of the
 * `probes` runs `steps` products (2 flops a stored entry) and orthogonalizes each new vector
 * against the basis (4·n flops a basis vector).
 */
export function slqSeconds(probes: number, steps: number, n: number, nnz: number): number {
  return (probes * (steps * 2 * nnz + 4 * n * steps * steps)) / FLOP_RATE;
}

/**
 * Refuses, with a `UsageError` naming the dominant term, a `krylov hessian` run (its parsed
 * options, the data's sample count and the layer widths) whose estimated memory or time exceeds
 * --max-memory or --max-hours.
 */
export function checkHessianCost(v: OptionValues, samples: number, widths: readonly number[]): void {
  const cost = hessianCost({
    samples,
    widths,
    steps: num(v, "steps"),
    top: num(v, "top"),
    bottom: num(v, "bottom"),
    probes: num(v, "probes"),
    slqProbes: num(v, "slq-probes"),
    slqSteps: num(v, "slq-steps"),
    maxIterations: num(v, "max-iterations"),
  });
  refuseOverBudget(v, cost, "10⁸ flop/s");
}

/** Throws a `UsageError` naming the dominant term when `cost` exceeds --max-memory or --max-hours. */
export function refuseOverBudget(v: OptionValues, cost: HessianCost, rate: string): void {
  const budget = memoryBudget(v);
  if (cost.bytes > budget) {
    throw new UsageError(
      `krylov hessian: the run needs about ${gigabytes(cost.bytes)}, mostly for ${cost.memory[0]?.what}, above --max-memory ${gigabytes(budget)}`,
    );
  }
  const hours = num(v, "max-hours");
  if (cost.seconds > 3600 * hours) {
    throw new UsageError(
      `krylov hessian: the run would take about ${duration(cost.seconds)} (estimated at ${rate}), mostly for ${cost.time[0]?.what}, above --max-hours ${hours}`,
    );
  }
}
