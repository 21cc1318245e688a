import test from "ava";
import { symmetricEigen, denseSolve, withSpectrum, poisson2d, poisson2dEigenvalues, relErr, matvec } from "./dense.js";
import { toDense } from "@krylov-ts/operators";

test("the Jacobi reference recovers a prescribed spectrum", (t) => {
  const ev = [-3, 0.5, 0.5, 2, 7];
  const { values } = symmetricEigen(withSpectrum(ev, 3), 5);
  t.true(relErr(values, ev) < 1e-13);
});

test("the dense reference solve satisfies A x = b", (t) => {
  const a = withSpectrum([1, 2, -3, 4], 5);
  const b = [1, 2, 3, 4];
  const x = denseSolve(a, 4, b);
  t.true(relErr(matvec(a, 4, 4, x), b) < 1e-13);
});

test("the Poisson operator's dense eigenvalues are the analytic ones", (t) => {
  const A = toDense(poisson2d(5));
  const { values } = symmetricEigen(A.data, 25);
  t.true(relErr(values, poisson2dEigenvalues(5)) < 1e-13);
});
