import test from "ava";
import { randomSPD, randomIndefinite, relErr, symmetricEigen, symmetricEigenvalues, withSpectrum } from "../helpers/dense.js";

test("the Householder–QL eigenvalue reference agrees with the Jacobi reference", (t) => {
  for (const A of [randomSPD(40, 1e4, 3), randomIndefinite(37, 5)]) {
    const n = A.shape[0];
    t.true(relErr(symmetricEigenvalues(A.data, n), symmetricEigen(A.data, n).values) < 1e-13);
  }
});

test("the Householder–QL eigenvalue reference recovers a prescribed spectrum with repeats", (t) => {
  const ev = [-4, -1e-3, 0, 0, 2, 2, 2, 9];
  t.true(relErr(symmetricEigenvalues(withSpectrum(ev, 7), ev.length), ev) < 1e-13);
});
