import test from "ava";
import { checkSymmetric, dense, type LinearOperator } from "@krylov-ts/operators";
import { cg, lanczos, lanczosProcess, minres, powerIteration, slq } from "@krylov-ts/krylov";
import { randomSPD } from "../helpers/dense.js";

/** Each method run on A with `checkSymmetric` set as given, returning its stats.matvecs. */
const methods: Record<string, (A: LinearOperator, check: boolean) => number> = {
  cg: (A, check) => cg(A, new Float64Array(A.shape[0]).fill(1), { checkSymmetric: check }).stats.matvecs,
  minres: (A, check) => minres(A, new Float64Array(A.shape[0]).fill(1), { checkSymmetric: check }).stats.matvecs,
  powerIteration: (A, check) => powerIteration(A, { k: 1, checkSymmetric: check }).stats.matvecs,
  lanczosProcess: (A, check) => lanczosProcess(A, { steps: 4, checkSymmetric: check }).stats.matvecs,
  lanczos: (A, check) => lanczos(A, { k: 2, checkSymmetric: check }).stats.matvecs,
  slq: (A, check) => slq(A, { probes: 2, steps: 4, checkSymmetric: check }).stats.matvecs,
};

test("every method's checkSymmetric option adds exactly the probe's two products to stats.matvecs", (t) => {
  const A = randomSPD(12, 30, 4);
  for (const [name, run] of Object.entries(methods)) {
    t.is(run(A, true), run(A, false) + 2, name);
  }
});

test("every method refuses the operators that the operators package's checkSymmetric finds non-symmetric", (t) => {
  const nonsym = dense([[2, 1, 0], [0, 2, 1], [0, 0, 2]]);
  t.false(checkSymmetric(nonsym, { probes: 1, seed: 0x5eed }).symmetric);
  for (const [name, run] of Object.entries(methods)) {
    t.throws(() => run(nonsym, true), { instanceOf: RangeError, message: new RegExp(`^${name}: A \\(3×3\\) is not symmetric`) }, name);
  }
});

test("a symmetric operator with a rounding-sized asymmetry passes every method's probe", (t) => {
  const a = randomSPD(8, 5, 2).data;
  const b = Float64Array.from(a);
  b[1] = (b[1] as number) * (1 + 1e-14); // A₀₁ ≠ A₁₀ by a relative 1e-14
  const A = dense(b, [8, 8]);
  for (const [name, run] of Object.entries(methods)) t.notThrows(() => run(A, true), name);
});
