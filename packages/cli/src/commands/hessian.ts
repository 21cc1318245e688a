/**
 * `krylov hessian`: trains an MLP on a data set with Adam, then analyses the loss Hessian H at
 * the trained point θ* without ever forming it — every method below sees only H·v products
 * (autodiff's `hessianOperator`):
 *
 * - the top-k and bottom-k eigenvalues by thick-restart Lanczos;
 * - tr(H) by Hutchinson's estimator, with its standard error;
 * - the spectral density by stochastic Lanczos quadrature;
 * - a damped Newton step (H + λI)d = −g by CG or MINRES, reporting negative curvature.
 *
 * @module
 */
import { gradientFunction, hessianOperator, softmaxCrossEntropy } from "@krylov-ts/autodiff";
import { hutchinson, lanczos, slq } from "@krylov-ts/krylov";
import { axpy, nrm2, vec } from "@krylov-ts/operators";
import { UsageError, list, memoryBudget, num, optStr, str, type CommandSpec, type Parsed } from "../args.js";
import { unconvergedLine, type Command, type CommandResult } from "../command.js";
import { checkHessianCost } from "../cost.js";
import { checkPlanCost, planProfile } from "../plan-cost.js";
import { loadDataset } from "../data.js";
import { dampedNewtonStep } from "../newton.js";
import { accuracy, initialParams, layout, lossFunction, predict, type Activation, type Loss, type MlpSpec } from "../model.js";
import { convergenceSpec, renderSvg, spectrumSpec } from "../plots.js";
import { cnn, cnnAccuracy, cnnGradient, cnnHessian, cnnLoss } from "../cnn.js";
import { mnist } from "../mnist.js";
import { isModelFile, readTfjsModel, tfjsProblem } from "../tfjs-model.js";

/** The CNN of --model cnn, as the report and the header line name it. */
const CNN_LAYERS = "conv3×3×8–maxpool2–conv3×3×16–maxpool2–dense10";
import type { Progress } from "../progress.js";
import { densityGrid, sortedPairs } from "../spectrum.js";
import { fmt, keyValues, table } from "../table.js";
import { train } from "../train.js";

const spec: CommandSpec = {
  name: "hessian",
  usage: "krylov hessian [options]",
  summary: "Train an MLP, then analyse its loss Hessian matrix-free: extreme eigenvalues, trace, density, Newton step.",
  options: [
    { name: "data", kind: "string", default: "iris", meta: "iris|spirals|mnist|FILE.csv", help: "the data set: Iris, seeded spirals, MNIST digits (from the mnist package), or a CSV file with a header row" },
    { name: "model", kind: "string", default: "mlp", meta: "mlp|cnn|MODEL.json", help: "mlp: the MLP of --hidden; cnn: conv 3×3×8–pool–conv 3×3×16–pool–dense for 28×28 images (--data mnist); MODEL.json: a TF.js Layers model (its weight files beside it) at its saved weights, its input the data's raw features. cnn and MODEL.json: the Hessian over the whole training set streamed in --batch-size batches" },
    { name: "train-samples", kind: "integer", default: "1000", min: 10, help: "mnist: how many digits to train on (class-balanced, at most 10,000)" },
    { name: "batch-size", kind: "integer", default: "250", min: 1, help: "cnn, MODEL.json: samples per minibatch of each streamed H·v product and gradient" },
    { name: "label", kind: "string", meta: "COLUMN", help: "the target column of a CSV file (strings: classes; numbers: regression)" },
    { name: "classes", kind: "integer", default: "3", min: 2, help: "spirals: number of arms (classes)" },
    { name: "samples", kind: "integer", default: "300", min: 4, help: "spirals: number of points" },
    { name: "hidden", kind: "list", default: "16,16", meta: "N,N,…", help: "hidden layer widths" },
    { name: "activation", kind: "choice", choices: ["tanh", "relu", "sigmoid", "softplus"], default: "tanh", help: "hidden activation" },
    { name: "loss", kind: "choice", choices: ["auto", "cross-entropy", "mse"], default: "auto", help: "auto: cross-entropy for class labels, mse for numeric ones" },
    { name: "seed", kind: "integer", default: "0", help: "seed of the initial weights, the spirals and every random probe" },
    { name: "steps", kind: "integer", default: "500", min: 0, help: "Adam steps (full batch)" },
    { name: "lr", kind: "number", default: "0.01", min: 0, exclusiveMin: true, help: "Adam learning rate" },
    { name: "top", kind: "integer", default: "5", min: 0, help: "how many largest eigenvalues (Lanczos)" },
    { name: "bottom", kind: "integer", default: "3", min: 0, help: "how many smallest eigenvalues (Lanczos)" },
    { name: "tol", kind: "number", default: "1e-10", min: 0, exclusiveMin: true, help: "Lanczos tolerance on ‖Hv − λv‖ relative to ‖H‖" },
    { name: "probes", kind: "integer", default: "100", min: 2, help: "Hutchinson probes for tr(H)" },
    { name: "slq-probes", kind: "integer", default: "10", min: 1, help: "probes of the spectral density (SLQ)" },
    { name: "slq-steps", kind: "integer", default: "40", min: 2, help: "Lanczos steps per SLQ probe" },
    { name: "damping", kind: "number", default: "0.01", min: 0, help: "λ of the damped Newton step (H + λI)d = −g" },
    { name: "solver", kind: "choice", choices: ["cg", "minres"], default: "cg", help: "Krylov solver of the Newton step" },
    { name: "rtol", kind: "number", default: "1e-8", min: 0, exclusiveMin: true, help: "Newton solve: stop when ‖(H + λI)d + g‖ ≤ rtol·‖g‖" },
    { name: "max-iterations", kind: "integer", default: "1000", min: 1, help: "Newton solve: iteration budget" },
    { name: "max-hours", kind: "number", default: "1", min: 0, exclusiveMin: true, meta: "H", help: "refuse a run estimated (from its options, at 10⁸ flop/s) to take longer" },
  ],
  epilog: [
    "Examples:",
    "  krylov hessian --out krylov-report",
    "  krylov hessian --data spirals --classes 2 --hidden 32 --activation relu --steps 2000",
    "  krylov hessian --data houses.csv --label price --solver minres --damping 0",
  ],
};

async function run(args: Parsed, bar: Progress): Promise<CommandResult> {
  const v = args.values;
  const seed = num(v, "seed");
  if (optStr(v, "label") !== undefined && (str(v, "data") === "iris" || str(v, "data") === "spirals")) {
    throw new UsageError(`krylov hessian: --label applies to a CSV file, not to --data ${str(v, "data")}`);
  }
  if (str(v, "data") === "spirals") {
    // The data set is generated from its declared size: check that size before generating it.
    checkHessianCost(v, num(v, "samples"), [2, ...list(v, "hidden"), num(v, "classes")]);
  }
  const modelFile = isModelFile(str(v, "model")) ? str(v, "model") : undefined;
  if (modelFile === undefined && str(v, "model") !== "mlp" && str(v, "model") !== "cnn") {
    throw new UsageError(`krylov hessian: --model must be mlp, cnn or a TF.js model.json file, got '${str(v, "model")}'`);
  }
  const tfjsModel = modelFile === undefined ? undefined : readTfjsModel(modelFile);
  const modelKind = str(v, "model") as "mlp" | "cnn";
  const isMnist = str(v, "data") === "mnist";
  if (modelKind === "cnn" && !isMnist) throw new UsageError(`krylov hessian: --model cnn takes 28×28 images: use it with --data mnist, not --data ${str(v, "data")}`);
  if (isMnist && num(v, "train-samples") > 10000) throw new UsageError(`krylov hessian: --train-samples ${num(v, "train-samples")} is more than the 10,000 digits of the mnist package`);
  if (modelKind === "cnn") {
    // The CNN's plans measured before the digits are loaded (n, shapes and flops do not depend on them).
    const net = cnn(str(v, "activation") as Activation);
    const profile = planProfile(net.n, [28, 28, 1], [10], (theta, X, Y) => softmaxCrossEntropy(net.apply(theta, X), Y));
    checkPlanCost(v, profile, num(v, "train-samples"), "--train-samples");
  }
  const data = isMnist ? mnist(num(v, "train-samples")) : loadDataset(str(v, "data"), {
    label: optStr(v, "label"),
    seed,
    classes: num(v, "classes"),
    samples: num(v, "samples"),
    maxBytes: memoryBudget(v),
  });
  const lossName = str(v, "loss");
  if (lossName === "cross-entropy" && data.task === "regression" && tfjsModel === undefined) {
    throw new UsageError(`krylov hessian: --loss cross-entropy needs class labels, but column '${data.label}' of ${data.name} is numeric (use --loss mse)`);
  }
  const model: MlpSpec = {
    inputs: data.features,
    hidden: list(v, "hidden"),
    outputs: data.outputs,
    activation: str(v, "activation") as Activation,
    loss: (lossName === "auto" ? (data.task === "classification" ? "cross-entropy" : "mse") : lossName) as Loss,
  };
  const net = modelKind === "cnn" ? cnn(model.activation, data.outputs) : undefined;
  // A TF.js model: its loss on the data set, streamed over minibatches like the CNN's.
  const loaded = modelFile === undefined || tfjsModel === undefined ? undefined : tfjsProblem(modelFile, tfjsModel, data, lossName as Loss | "auto");
  if (net === undefined && loaded === undefined) checkHessianCost(v, data.samples, [model.inputs, ...model.hidden, model.outputs]);
  if (loaded !== undefined) {
    const m = loaded.model;
    const profile = planProfile(m.n, m.inputShape, [m.outputShape.reduce((a, b) => a * b, 1)], (theta, inputs, targets) => loaded.batchLoss(theta, { inputs, targets }));
    checkPlanCost(v, profile, data.samples, "--data");
  }
  const n = loaded?.model.n ?? net?.n ?? layout(model).size;
  const top = num(v, "top");
  const bottom = num(v, "bottom");
  if (top + bottom > n) throw new UsageError(`krylov hessian: --top ${top} plus --bottom ${bottom} is larger than n = ${n} parameters`);
  const tol = num(v, "tol");

  // 1. Training.
  const f = loaded !== undefined ? loaded.f : net === undefined ? lossFunction(model, data) : cnnLoss(net, data);
  const theta0 = loaded !== undefined ? loaded.model.init() : net === undefined ? initialParams(model, seed) : net.init(seed);
  const trained = train(f, theta0, { steps: num(v, "steps"), lr: num(v, "lr") }, bar);
  const theta = trained.theta;
  const acc = loaded !== undefined ? loaded.accuracy(theta) : net !== undefined ? cnnAccuracy(net, data, theta) : data.task === "classification" ? accuracy(predict(model, theta, data), data) : undefined;

  // 2. The Hessian at θ*, as an operator, and the gradient there.
  // The CNN's: over the whole training set, each product streamed over minibatches (memory O(batch)).
  const batchSize = num(v, "batch-size");
  const H = loaded !== undefined ? loaded.hessian(theta, batchSize) : net === undefined ? hessianOperator(f, theta) : cnnHessian(net, data, theta, batchSize);
  const fg = loaded !== undefined ? loaded.gradient(batchSize) : net === undefined ? gradientFunction(f, n) : cnnGradient(net, data, batchSize);
  const at = fg(vec(theta));
  const loss = at.value;
  const g = vec(at.gradient.data.slice(at.gradient.offset, at.gradient.offset + n));

  // 3. Extreme eigenvalues.
  const t0 = performance.now();
  bar.start("eigenvalues", top + bottom);
  // Pairs locked after each restart cycle, beside each run's residual history (the plot's second axis).
  const lockedLargest: number[] = [];
  const lockedSmallest: number[] = [];
  const progressFrom = (done: number, k: number, locked: number[]) => (info: { locked: number; matvecs: number; residualNorm: number }): void => {
    locked.push(info.locked);
    bar.update(done + Math.min(info.locked, k), `${info.matvecs} H·v, ‖r‖ ${fmt(info.residualNorm, 3)}`);
  };
  const largest = top > 0 ? lanczos(H, { k: top, which: "largest", tol, seed, history: true, callback: progressFrom(0, top, lockedLargest) }) : undefined;
  const smallest =
    bottom > 0
      ? lanczos(H, { k: bottom, which: "smallest", tol, seed: seed + 1, history: true, callback: progressFrom(top, bottom, lockedSmallest) })
      : undefined;
  bar.stop();
  const topPairs = largest === undefined ? [] : sortedPairs(largest.values, largest.residualNorms).reverse();
  const bottomPairs = smallest === undefined ? [] : sortedPairs(smallest.values, smallest.residualNorms);
  const eigSeconds = (performance.now() - t0) / 1000;

  // 4. Trace.
  const probes = num(v, "probes");
  bar.start("trace (Hutchinson)", probes);
  const trace = hutchinson(H, {
    probes,
    seed,
    callback: (info) => bar.update(info.probes, Number.isNaN(info.trace) ? "" : `tr ≈ ${fmt(info.trace, 4)}`),
  });
  bar.stop();

  // 5. Spectral density.
  const slqProbes = num(v, "slq-probes");
  const slqSteps = Math.min(num(v, "slq-steps"), n);
  bar.start("density (SLQ)", slqProbes);
  const density = slq(H, {
    probes: slqProbes,
    steps: slqSteps,
    seed,
    callback: (info) => bar.update(info.probes, `${info.matvecs} H·v`),
  });
  bar.stop();
  const marks = [...topPairs, ...bottomPairs].map((p) => p.value);
  const { grid, sigma } = densityGrid(density.nodes, marks);
  const curve = density.density(grid, sigma);

  // 6. Damped Newton step (H + λI)d = −g.
  const damping = num(v, "damping");
  const solver = str(v, "solver") as "cg" | "minres";
  const maxIterations = num(v, "max-iterations");
  const lambdaMin = bottomPairs[0]?.value;
  bar.start(`Newton step (${solver})`, maxIterations);
  const step = dampedNewtonStep(H, g, {
    damping,
    solver,
    rtol: num(v, "rtol"),
    maxIterations,
    lambdaMin,
    callback: (info) => bar.update(info.iteration, `‖r‖ ${fmt(info.residualNorm, 3)}`),
  });
  bar.stop();
  const d = step.d;
  const thetaNew = vec(theta);
  axpy(1, d, thetaNew);
  const lossAfter = fg(thetaNew).value;
  const cgCurvature = step.negativeCurvature.curvature;
  const negativeCurvature = { ...step.negativeCurvature, solverStatus: step.stats.status };

  const report = {
    command: "hessian",
    data: {
      name: data.name,
      task: data.task,
      samples: data.samples,
      features: data.features,
      outputs: data.outputs,
      label: data.label,
      ...(data.classes === undefined ? {} : { classes: data.classes }),
    },
    model: loaded !== undefined
      ? { kind: "tfjs", path: modelFile, layers: loaded.description, inputShape: [...loaded.model.inputShape], outputs: loaded.model.outputShape.reduce((a, b) => a * b, 1), outputActivation: loaded.model.outputActivation, loss: loaded.loss, parameters: n, batchSize }
      : net === undefined ? { kind: "mlp", ...model, parameters: n } : { kind: "cnn", layers: CNN_LAYERS, activation: model.activation, loss: model.loss, parameters: n, batchSize },
    options: {
      data: str(v, "data"),
      // Each data set's own options only: --classes and --samples shape the spirals, --label a CSV file.
      ...(str(v, "data") === "spirals" ? { classes: num(v, "classes"), samples: num(v, "samples") } : {}),
      ...(str(v, "data") === "mnist" ? { trainSamples: num(v, "train-samples") } : {}),
      model: str(v, "model"),
      ...(str(v, "model") === "cnn" || loaded !== undefined ? { batchSize: num(v, "batch-size") } : {}),
      ...(optStr(v, "label") === undefined ? {} : { label: optStr(v, "label") }),
      seed,
      steps: num(v, "steps"),
      lr: num(v, "lr"),
      top,
      bottom,
      tol,
      probes,
      slqProbes,
      slqSteps,
      damping,
      solver,
      rtol: num(v, "rtol"),
      maxIterations,
    },
    training: {
      optimizer: "adam",
      initialLoss: trained.losses[0],
      finalLoss: loss,
      gradientNorm: nrm2(g),
      ...(acc === undefined ? {} : { accuracy: acc }),
      seconds: trained.seconds,
      losses: trained.losses,
    },
    /** θ*, the trained parameters at which H is analysed (layout: W₁, b₁, W₂, b₂, …). */
    params: Array.from(theta),
    eigenvalues: {
      largest: topPairs.map((p) => p.value),
      largestResiduals: topPairs.map((p) => p.residual),
      smallest: bottomPairs.map((p) => p.value),
      smallestResiduals: bottomPairs.map((p) => p.residual),
      matvecs: (largest?.stats.matvecs ?? 0) + (smallest?.stats.matvecs ?? 0),
      status: [largest?.stats.status, smallest?.stats.status].filter((s) => s !== undefined),
      /** Each Lanczos run's largest residual norm of the wanted pairs after every restart cycle (see `lanczos`'s `history`). */
      residualHistory: { largest: largest?.stats.residualHistory ?? [], smallest: smallest?.stats.residualHistory ?? [] },
      seconds: eigSeconds,
    },
    trace: { estimate: trace.trace, standardError: trace.standardError, probes, matvecs: trace.stats.matvecs },
    density: {
      nodes: Array.from(density.nodes),
      weights: Array.from(density.weights),
      grid: Array.from(grid),
      values: Array.from(curve),
      sigma,
      probes: slqProbes,
      steps: slqSteps,
    },
    newton: {
      solver,
      damping,
      status: step.stats.status,
      converged: step.stats.converged,
      iterations: step.stats.iterations,
      matvecs: step.stats.matvecs,
      residualNorm: step.stats.residualNorm,
      relativeResidual: step.stats.residualNorm / nrm2(g),
      stepNorm: nrm2(d),
      directionalDerivative: step.directionalDerivative,
      predictedChange: step.predictedChange,
      lossAfter,
      negativeCurvature,
      residualHistory: step.stats.residualHistory ?? [],
    },
  };

  const text = [
    `krylov hessian — ${data.name} (${data.samples}×${data.features}, ${data.task}), ${loaded !== undefined ? `TF.js model ${modelFile} (${loaded.description}), ${loaded.loss}` : `${net === undefined ? `MLP ${[model.inputs, ...model.hidden, model.outputs].join("→")}` : `CNN ${CNN_LAYERS}`} ${model.activation}, ${model.loss}`}, n = ${n} parameters${net === undefined && loaded === undefined ? "" : `; H·v over all ${data.samples} samples in batches of ${Math.min(batchSize, data.samples)}`}`,
    "",
    keyValues([
      ["training", `${trained.gradients - 1} Adam steps, loss ${fmt(trained.losses[0] ?? NaN)} → ${fmt(loss)}, ‖g‖ ${fmt(nrm2(g))}${acc === undefined ? "" : `, accuracy ${(100 * acc).toFixed(1)} %`}`],
      ["trace (Hutchinson)", `${fmt(trace.trace)} ± ${fmt(trace.standardError)} (${probes} probes)`],
    ]),
    "",
    table(
      ["", "eigenvalue", "‖Hv − λv‖"],
      [
        ...topPairs.map((p, i) => [`λ${i + 1} (largest)`, fmt(p.value, 12), fmt(p.residual, 3)]),
        ...bottomPairs.map((p, i) => [`λ${i === 0 ? "min" : `min+${i}`}`, fmt(p.value, 12), fmt(p.residual, 3)]),
      ],
    ),
    `(${report.eigenvalues.matvecs} H·v products, ${eigSeconds.toFixed(2)} s)`,
    "",
    `Newton step (H + ${fmt(damping)}·I) d = −g by ${solver}: ${step.stats.status} after ${step.stats.iterations} iterations, ‖r‖/‖g‖ ${fmt(step.stats.residualNorm / nrm2(g), 3)}`,
    `  ‖d‖ ${fmt(nrm2(d))}, gᵀd ${fmt(step.directionalDerivative)}, predicted change ${fmt(step.predictedChange)}, loss after the step ${fmt(lossAfter)}`,
    negativeCurvature.met
      ? `  negative curvature: ${cgCurvature !== undefined ? `CG met pᵀ(H + λI)p/pᵀp = ${fmt(cgCurvature)}` : ""}${cgCurvature !== undefined && lambdaMin !== undefined ? "; " : ""}${lambdaMin !== undefined && lambdaMin + damping < 0 ? `λmin + λ = ${fmt(lambdaMin + damping)} < 0, H + λI is indefinite` : ""}`
      : "  no negative curvature met",
  ].join("\n");

  const plots = async (): Promise<Map<string, string>> => new Map<string, string>([
    [
      "spectrum.svg",
      await renderSvg(
        spectrumSpec(
          `Loss Hessian spectrum (n = ${n}) at the trained point`,
          grid,
          curve,
          [
            ...topPairs.map((p, i) => ({ value: p.value, kind: "largest", label: `λ${i + 1}` })),
            ...bottomPairs.map((p, i) => ({ value: p.value, kind: "smallest", label: i === 0 ? "λmin" : `λmin+${i}` })),
          ],
        ),
      ),
    ],
    [
      "convergence.svg",
      await renderSvg(
        convergenceSpec(`Convergence of the Hessian analysis (n = ${n})`, [
          {
            title: "Lanczos: largest ‖Hv − λv‖ of the wanted pairs after each restart cycle",
            xTitle: "restart cycle",
            series: [
              ...(largest === undefined ? [] : [{ name: "lanczos (largest)", residuals: largest.stats.residualHistory ?? [], first: 1, locked: lockedLargest }]),
              ...(smallest === undefined ? [] : [{ name: "lanczos (smallest)", residuals: smallest.stats.residualHistory ?? [], first: 1, locked: lockedSmallest }]),
            ],
            target: tol * Math.max(...[...topPairs, ...bottomPairs].map((p) => Math.abs(p.value)), 0),
            targetLabel: "tol·‖H‖",
          },
          {
            title: `Damped Newton step (H + ${fmt(damping)}·I)d = −g by ${solver}`,
            series: [{ name: solver, residuals: step.stats.residualHistory ?? [] }],
            target: num(v, "rtol") * nrm2(g),
            targetLabel: "rtol·‖g‖",
          },
        ]),
      ),
    ],
  ]);
  const unconverged = [
    ...(largest === undefined ? [] : unconvergedLine("lanczos (largest)", largest.stats)),
    ...(smallest === undefined ? [] : unconvergedLine("lanczos (smallest)", smallest.stats)),
    // Negative curvature is a finding of the Newton step (reported above), not a failure.
    ...(step.stats.status === "negativeCurvature" ? [] : unconvergedLine(`Newton step (${solver})`, step.stats)),
  ];
  return { report, text, plots, unconverged };
}

/** The `hessian` subcommand. */
export const hessian: Command = { spec, run };
