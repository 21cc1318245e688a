import test from "ava";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { axpy, nrm2, readMatrixMarket, toDense, vec } from "@krylov-ts/operators";
import { symmetricEigenvalues } from "../helpers/dense.js";
import { checkXml, krylov, matrices, tempDir } from "./run.js";

const gr = join(matrices, "gr_30_30.mtx");
const bus = join(matrices, "494_bus.mtx");

/** Dense eigenvalues of gr_30_30 (n = 900), ascending. */
const grEigenvalues = (async () => {
  const A = toDense(readMatrixMarket(readFileSync(gr, "utf8")));
  return symmetricEigenvalues(A.data, A.shape[0] as number);
})();

test("eigs on gr_30_30 finds the 4 largest and 4 smallest eigenvalues of a dense solver to 1e-8 relative", async (t) => {
  const r = await krylov(["eigs", gr, "-k", "4", "--which", "both", "--json"]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { eigenvalues: number[]; residualNorms: number[] };
  const exact = await grEigenvalues;
  const n = exact.length;
  const want = [...exact.slice(0, 4), ...exact.slice(n - 4)];
  t.is(rep.eigenvalues.length, 8);
  rep.eigenvalues.forEach((v, i) => {
    const e = want[i] as number;
    t.true(Math.abs(v - e) <= 1e-8 * Math.abs(e), `${v} vs ${e}`);
  });
});

test("eigs prints a table of the eigenvalues and writes a spectrum plot with --out", async (t) => {
  const out = join(tempDir(), "eigs");
  const r = await krylov(["eigs", gr, "-k", "3", "--out", out, "--quiet"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /eigenvalue/);
  const exact = await grEigenvalues;
  const top = (exact[exact.length - 1] as number).toPrecision(10).slice(0, 9);
  t.true(r.stdout.includes(top), `${top} not in\n${r.stdout}`);
  const svg = readFileSync(join(out, "spectrum.svg"), "utf8");
  t.notThrows(() => checkXml(svg));
  // Each eigenvalue on its own row of the lower panel (a point labelled λi), and as a rule over the density.
  t.is((svg.match(/label: λ\d+; Lanczos: largest"/g) ?? []).length, 3);
  t.is((svg.match(/aria-label="eigenvalue: [^"]*; Lanczos: largest"/g) ?? []).length, 3);
});

for (const [method, precond] of [["cg", "jacobi"], ["cg", "none"], ["minres", "none"]] as const) {
  test(`solve on 494_bus by ${method} with --precond ${precond} reaches --rtol 1e-8 in the true residual`, async (t) => {
    const r = await krylov(["solve", bus, "--method", method, "--precond", precond, "--rtol", "1e-8", "--json"]);
    t.is(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { x: number[]; result: { status: string; converged: boolean } };
    t.is(rep.result.status, "converged");
    // The true relative residual, recomputed here from the reported x.
    const A = readMatrixMarket(readFileSync(bus, "utf8"));
    const b = vec(new Float64Array(494).fill(1));
    const res = axpy(-1, A.apply(vec(rep.x)), b, vec(494));
    t.true(nrm2(res) / nrm2(b) <= 1e-8 * 1.01, `true relative residual ${nrm2(res) / nrm2(b)}`);
  });
}

test("solve reads a right-hand side from a file and plots its convergence as a line down to the rtol·‖b‖ rule", async (t) => {
  const dir = tempDir();
  const rhs = join(dir, "b.txt");
  writeFileSync(rhs, Array.from({ length: 494 }, (_, i) => String(Math.sin(i))).join("\n"));
  const r = await krylov(["solve", bus, "--rhs", rhs, "--precond", "jacobi", "--out", join(dir, "out")]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /converged/);
  const rep = JSON.parse(readFileSync(join(dir, "out", "report.json"), "utf8")) as { residualHistory: number[]; result: { bNorm: number } };
  const svg = readFileSync(join(dir, "out", "convergence.svg"), "utf8");
  t.notThrows(() => checkXml(svg));
  // Hundreds of iterations: one line, no point marks (they would merge into a blob).
  t.true(rep.residualHistory.length > 60);
  t.is((svg.match(/aria-roledescription="line mark"/g) ?? []).length, 1);
  t.is((svg.match(/aria-roledescription="point"/g) ?? []).length, 0);
  // The target residual rtol·‖b‖ (rtol 1e-8 by default) is drawn and labelled.
  t.true(svg.includes("rtol·‖b‖"));
  t.is((svg.match(/aria-roledescription="rule mark"/g) ?? []).length, 1);
});

test("eigs --out plots Lanczos' convergence: one point per restart cycle of its residual history", async (t) => {
  const out = join(tempDir(), "eigs-convergence");
  const r = await krylov(["eigs", gr, "-k", "3", "--tol", "1e-10", "--out", out, "--quiet"]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as {
    stats: { residualHistory: number[]; restarts: number; status: string };
    residualNorms: number[];
  };
  const history = rep.stats.residualHistory;
  t.is(rep.stats.status, "converged");
  t.is(history.length, rep.stats.restarts);
  t.true(history.length >= 1);
  // The history ends below the tolerance, like the true residuals of the pairs returned (‖A‖ < 24 for gr_30_30).
  t.true((history[history.length - 1] as number) <= 1e-10 * 24);
  const svg = readFileSync(join(out, "convergence.svg"), "utf8");
  t.notThrows(() => checkXml(svg));
  const labels = new Set(svg.match(/aria-label="restart cycle: [^"]*; residual norm ‖r‖: [^"]*; method: lanczos"/g) ?? []);
  t.is(labels.size, history.filter((x) => x > 0).length);
  t.true(svg.includes("log scale"));
});
