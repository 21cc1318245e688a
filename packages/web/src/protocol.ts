/**
 * The messages between the demo page and its worker, and the page's defaults (this module holds
 * no computation, so the page's own bundle stays small).
 *
 * @module
 */

/** What the page asks for in its first tab. */
export interface HessianRequest {
  readonly data: "iris" | "spirals" | "csv";
  /** The CSV text and its label column, for `data: 'csv'`. */
  readonly csv?: string;
  readonly label?: string;
  readonly hidden: readonly number[];
  readonly activation: "tanh" | "relu" | "sigmoid" | "softplus";
  readonly steps: number;
  readonly lr: number;
  readonly top: number;
  readonly probes: number;
  readonly slqProbes: number;
  readonly slqSteps: number;
  readonly seed: number;
}

/** A progress event: which phase, how far, and a phase's partial result. */
export type Progress =
  | { readonly phase: "training"; readonly step: number; readonly steps: number; readonly loss: number }
  | { readonly phase: "eigenvalues"; readonly locked: number; readonly k: number; readonly matvecs: number; readonly residual: number }
  | { readonly phase: "trace"; readonly probes: number; readonly total: number; readonly estimate: number }
  | { readonly phase: "density"; readonly probes: number; readonly total: number };

/** What the first tab shows. */
export interface HessianResult {
  readonly n: number;
  readonly dataset: string;
  readonly samples: number;
  readonly losses: readonly number[];
  readonly accuracy: number | null;
  /** The top eigenvalues, largest first, with their true residuals. */
  readonly eigenvalues: readonly number[];
  readonly residuals: readonly number[];
  readonly matvecs: number;
  readonly status: string;
  readonly trace: number;
  readonly traceError: number;
  /** The SLQ density on a grid. */
  readonly grid: readonly number[];
  readonly density: readonly number[];
  /** Threads of the worker pool the products could split over (1 where shared memory is unavailable). */
  readonly threads: number;
}

/** The defaults of the page (those of `krylov hessian`, lighter where the page should answer in seconds). */
export const defaultRequest: HessianRequest = {
  data: "iris",
  hidden: [16, 16],
  activation: "tanh",
  steps: 500,
  lr: 0.01,
  top: 5,
  probes: 50,
  slqProbes: 10,
  slqSteps: 40,
  seed: 0,
};

/** What the second tab shows for a Matrix Market file. */
export interface MatrixResult {
  readonly rows: number;
  readonly nnz: number;
  readonly symmetric: boolean;
  readonly largest: readonly number[];
  readonly smallest: readonly number[];
  readonly eigenStatus: string;
  readonly eigenMatvecs: number;
  /** CG on A x = 1 (symmetric matrices only): ‖r‖ after each iteration, and the outcome. */
  readonly cgResiduals: readonly number[];
  readonly cgStatus: string;
  readonly cgIterations: number;
  readonly cgTrueRelativeResidual: number;
}

/** Page → worker. */
export type Job =
  | { readonly id: number; readonly kind: "hessian"; readonly request: HessianRequest }
  | { readonly id: number; readonly kind: "matrix"; readonly text: string; readonly k: number; readonly rtol: number };

/** Worker → page. */
export type Reply =
  | { readonly id: number; readonly type: "progress"; readonly progress: Progress }
  | { readonly id: number; readonly type: "hessian"; readonly result: HessianResult; readonly seconds: number }
  | { readonly id: number; readonly type: "matrix"; readonly result: MatrixResult; readonly seconds: number }
  | { readonly id: number; readonly type: "error"; readonly message: string };
