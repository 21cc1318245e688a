import test from "ava";
import { diagonal, operator } from "@krylov-ts/operators";
import { lanczos } from "@krylov-ts/krylov";

const spectrum = Array.from({ length: 200 }, (_, i) => 1 + i);

test("lanczos with an already aborted signal stops before any product with A", (t) => {
  const controller = new AbortController();
  controller.abort();
  let products = 0;
  const D = diagonal(spectrum);
  const A = operator([200, 200], (x, out) => {
    products++;
    return D.apply(x, out);
  }, { symmetric: true });
  const result = lanczos(A, { k: 2, signal: controller.signal });
  t.is(result.stats.status, "stopped");
  t.false(result.stats.converged);
  t.is(products, 0);
  t.is(result.stats.matvecs, 0);
});

test("lanczos stops within one product of the signal firing in the middle of a cycle", (t) => {
  const controller = new AbortController();
  let products = 0;
  const D = diagonal(spectrum);
  const A = operator([200, 200], (x, out) => {
    products++;
    if (products === 3) controller.abort();
    return D.apply(x, out);
  }, { symmetric: true });
  const result = lanczos(A, { k: 2, maxBasis: 60, signal: controller.signal });
  t.is(result.stats.status, "stopped");
  t.is(result.stats.iterations, 3);
  t.is(result.stats.matvecs, products);
  t.true(products <= 3 + result.values.length); // the Lanczos steps, then the final residual checks
});
