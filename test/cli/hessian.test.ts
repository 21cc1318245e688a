import test from "ava";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hessian } from "@krylov-ts/autodiff";
import { iris } from "../../packages/cli/src/data.js";
import { layout, lossFunction, type MlpSpec } from "../../packages/cli/src/model.js";
import { symmetricEigenvalues } from "../helpers/dense.js";
import { checkXml, krylov, tempDir } from "./run.js";

interface HessianReport {
  model: MlpSpec & { parameters: number };
  params: number[];
  eigenvalues: {
    largest: number[];
    smallest: number[];
    largestResiduals: number[];
    residualHistory: { largest: number[]; smallest: number[] };
  };
  trace: { estimate: number; standardError: number };
  newton: { status: string; residualHistory: number[]; relativeResidual: number; negativeCurvature: { met: boolean } };
  training: { initialLoss: number; finalLoss: number; accuracy: number };
  density: { grid: number[]; values: number[] };
}

// One default run (Iris, tanh MLP 16,16) shared by the tests below.
const out = join(tempDir(), "report");
const run = krylov(["hessian", "--out", out, "--quiet"]);

async function report(): Promise<HessianReport> {
  const r = await run;
  if (r.code !== 0) throw new Error(`krylov hessian failed (${r.code}): ${r.stderr}`);
  return JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as HessianReport;
}

/** The dense Hessian of the same model at the reported trained point, and its eigenvalues. */
async function denseReference(): Promise<{ values: Float64Array; trace: number }> {
  const rep = await report();
  const f = lossFunction(rep.model, iris());
  const n = layout(rep.model).size;
  const H = hessian(f, Float64Array.from(rep.params));
  const a = Float64Array.from(H.data.subarray(H.offset, H.offset + n * n));
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i] as number;
  return { values: symmetricEigenvalues(a, n), trace };
}
const reference = denseReference();

test("the default hessian run exits 0 and writes exactly report.json, spectrum.svg and convergence.svg", async (t) => {
  const r = await run;
  t.is(r.code, 0, r.stderr);
  t.deepEqual(readdirSync(out).sort(), ["convergence.svg", "report.json", "spectrum.svg"]);
  t.true(r.stdout.includes(`Report written to ${out}`));
});

test("the default hessian run trains the model: the loss falls and Iris is classified", async (t) => {
  const rep = await report();
  t.true(rep.training.finalLoss < 0.1 * rep.training.initialLoss);
  t.true(rep.training.accuracy >= 0.95);
  t.is(rep.params.length, rep.model.parameters);
});

test("the reported top eigenvalue matches the dense Hessian of the trained model to 1e-8 relative", async (t) => {
  const rep = await report();
  const { values } = await reference;
  const n = values.length;
  const top = rep.eigenvalues.largest;
  t.is(top.length, 5);
  for (let i = 0; i < top.length; i++) {
    const exact = values[n - 1 - i] as number;
    t.true(Math.abs((top[i] as number) - exact) <= 1e-8 * Math.abs(exact), `λ${i + 1}: ${top[i]} vs ${exact}`);
  }
});

test("the reported bottom eigenvalues match the dense Hessian to 1e-8 of its norm", async (t) => {
  const rep = await report();
  const { values } = await reference;
  const scale = Math.max(Math.abs(values[0] as number), Math.abs(values[values.length - 1] as number));
  rep.eigenvalues.smallest.forEach((v, i) => {
    t.true(Math.abs(v - (values[i] as number)) <= 1e-8 * scale, `λmin+${i}: ${v} vs ${values[i]}`);
  });
});

test("the Hutchinson trace lies within four standard errors of the dense trace", async (t) => {
  const rep = await report();
  const { trace } = await reference;
  t.true(rep.trace.standardError > 0);
  t.true(Math.abs(rep.trace.estimate - trace) <= 4 * rep.trace.standardError, `${rep.trace.estimate} ± ${rep.trace.standardError} vs ${trace}`);
});

test("the spectrum plot is well-formed SVG marking every reported eigenvalue over the density curve", async (t) => {
  const rep = await report();
  const svg = readFileSync(join(out, "spectrum.svg"), "utf8");
  t.notThrows(() => checkXml(svg));
  t.true(svg.startsWith("<svg"));
  // One point mark per eigenvalue, labelled with its value and kind.
  t.is((svg.match(/aria-label="eigenvalue: [^"]*; Lanczos: largest"/g) ?? []).length, rep.eigenvalues.largest.length);
  t.is((svg.match(/aria-label="eigenvalue: [^"]*; Lanczos: smallest"/g) ?? []).length, rep.eigenvalues.smallest.length);
  t.true(svg.includes("spectral density (SLQ)"));
  t.true(rep.density.values.every((d) => d >= 0) && rep.density.values.length === rep.density.grid.length);
});

test("the convergence plot is well-formed SVG with one point per recorded residual of the Newton solve", async (t) => {
  const rep = await report();
  const svg = readFileSync(join(out, "convergence.svg"), "utf8");
  t.notThrows(() => checkXml(svg));
  const points = rep.newton.residualHistory.filter((r) => r > 0).length;
  t.true(points >= 2);
  const labels = new Set(svg.match(/aria-label="iteration: [^"]*; residual norm ‖r‖: [^"]*; method: cg"/g) ?? []);
  t.is(labels.size, points);
  t.true(svg.includes("log scale"));
  t.true(svg.includes("rtol·‖g‖"));
});

test("the convergence plot shows both Lanczos runs, one point per restart cycle, with the pairs locked", async (t) => {
  const rep = await report();
  const svg = readFileSync(join(out, "convergence.svg"), "utf8");
  for (const run of ["largest", "smallest"] as const) {
    const history = rep.eigenvalues.residualHistory[run].filter((r) => r > 0);
    t.true(history.length >= 1);
    const labels = new Set(svg.match(new RegExp(`aria-label="restart cycle: [^"]*; residual norm ‖r‖: [^"]*; method: lanczos \\(${run}\\)"`, "g")) ?? []);
    t.is(labels.size, history.length, run);
  }
  t.true(svg.includes("pairs locked"));
  t.true(svg.includes("tol·‖H‖"));
});

test("the hessian --json run prints the same report as report.json", async (t) => {
  const rep = await report();
  const r = await krylov(["hessian", "--json", "--steps", "50", "--top", "2", "--bottom", "1", "--probes", "10"]);
  t.is(r.code, 0, r.stderr);
  const printed = JSON.parse(r.stdout) as HessianReport;
  t.is(printed.params.length, rep.params.length);
  t.is(printed.eigenvalues.largest.length, 2);
});

test("hessian runs on spirals with relu and mse and reports negative curvature through MINRES", async (t) => {
  const r = await krylov([
    "hessian", "--json", "--data", "spirals", "--classes", "2", "--samples", "80", "--hidden", "8",
    "--activation", "relu", "--loss", "mse", "--steps", "100", "--solver", "minres", "--damping", "0",
    "--top", "2", "--bottom", "2", "--probes", "10", "--slq-probes", "3",
  ]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as HessianReport;
  t.is(rep.model.loss, "mse");
  t.is(rep.model.parameters, 2 * 8 + 8 + 8 * 2 + 2);
  t.is(rep.newton.negativeCurvature.met, (rep.eigenvalues.smallest[0] as number) < 0);
  // The spirals' own options are in its report.
  t.like((rep as unknown as { options: object }).options, { data: "spirals", classes: 2, samples: 80 });
});

test("the report's options hold only the chosen data set's options: none of the spirals' for Iris", async (t) => {
  const rep = (await report()) as unknown as { options: Record<string, unknown> };
  t.is(rep.options.data, "iris");
  for (const key of ["classes", "samples", "label"]) t.false(key in rep.options, key);
});

test("hessian on a CSV file with a numeric label fits a regression by mse", async (t) => {
  const dir = tempDir();
  const csv = join(dir, "houses.csv");
  const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 13) % 11},${2 * (i % 7) - ((i * 13) % 11) + 0.1 * Math.sin(i)}`);
  writeFileSync(csv, ["rooms,age,price", ...rows].join("\n"));
  const r = await krylov(["hessian", "--data", csv, "--label", "price", "--hidden", "4", "--steps", "200", "--top", "1", "--bottom", "1", "--probes", "10", "--json"]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as HessianReport;
  t.is(rep.model.loss, "mse");
  t.is(rep.model.outputs, 1);
  t.true(rep.training.finalLoss < rep.training.initialLoss);
});

test("hessian refuses cross-entropy on a numeric label with exit code 2", async (t) => {
  const dir = tempDir();
  const csv = join(dir, "numeric.csv");
  writeFileSync(csv, "a,y\n1,2\n2,3\n");
  const r = await krylov(["hessian", "--data", csv, "--label", "y", "--loss", "cross-entropy"]);
  t.is(r.code, 2);
  t.regex(r.stderr, /--loss cross-entropy needs class labels, but column 'y' of .*numeric\.csv is numeric/);
});

test("the report holds each Lanczos run's residual history, ending below the tolerance", async (t) => {
  const rep = await report();
  for (const [end, history] of Object.entries(rep.eigenvalues.residualHistory)) {
    t.true(history.length >= 1, end);
    t.true(history.every((x) => Number.isFinite(x) && x >= 0), end);
  }
  // Converged pairs were accepted at ‖Hv − λv‖ ≤ tol·‖H‖est with ‖H‖est ≤ ‖H‖ = max(|λmax|, |λmin|), tol = 1e-10.
  const normH = Math.max(Math.abs(rep.eigenvalues.largest[0] as number), Math.abs(rep.eigenvalues.smallest[0] as number));
  for (const history of Object.values(rep.eigenvalues.residualHistory)) t.true((history.at(-1) as number) <= 1e-10 * normH);
});
