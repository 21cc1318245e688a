/**
 * One conformance suite, applied to every operator and every composition: apply and
 * applyTranspose against the operator's dense matrix (built independently in reference.ts),
 * out honoured, inputs unchanged, strided vectors, repeated application, symmetry flag.
 */
import test from "ava";
import ndarray from "ndarray";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  add, blockDiagonal, compose, counted, csr, dense, diagonal, identity, operator, power, projector,
  readMatrixMarket, restrict, rng, scal, scaled, shift, subtract, toDense, transpose, zero,
  type LinearOperator, type Vec,
} from "@krylov-ts/operators";
import {
  blockDiag, eye, fromRows, fromTriplets, isSymmetricMat, mat, matvec, maxRelDiff, mul, plus, randomMat,
  randomSym, sub, T, times, orthonormal, type Mat,
} from "./reference.js";

interface Case {
  op: LinearOperator;
  ref: Mat;
  /** Expected `symmetric` flag. */
  symmetric: boolean;
  /** Whether `applyTranspose` is expected (default true). */
  transposable?: boolean;
  tol?: number;
}

const TOL = 1e-12;

function strided(values: Float64Array, stride: number, offset: number, pad: number): Vec {
  const data = new Float64Array(offset + values.length * stride + pad).fill(pad === 0 ? 0 : -7);
  values.forEach((v, i) => (data[offset + i * stride] = v));
  return ndarray(data, [values.length], [stride], offset);
}

/** Checks one direction (A or Aᵀ) of `op` against `ref`. */
function checkDirection(
  t: import("ava").ExecutionContext,
  apply: (x: Vec, out?: Vec) => Vec,
  ref: Mat,
  tol: number,
  label: string,
): void {
  const r = rng(ref.m * 31 + ref.n);
  for (let probe = 0; probe < 2; probe++) {
    const x = r.normalVec(ref.n);
    const x0 = Float64Array.from(x.data);
    const want = matvec(ref, x.data);
    // Without out: a new vector.
    const y = apply(x);
    t.true(maxRelDiff(y.data, want) <= tol, `${label}: A x differs from the dense matrix by ${maxRelDiff(y.data, want)}`);
    t.deepEqual(x.data, x0, `${label}: x was modified`);
    // With out: returned and written in full (over garbage).
    const out = ndarray(new Float64Array(ref.m).fill(NaN), [ref.m]);
    t.is(apply(x, out), out, `${label}: out was not returned`);
    t.true(maxRelDiff(out.data, want) <= tol, `${label}: out does not hold A x`);
    // Again into the same out: temporaries reused give the same result.
    apply(x, out);
    t.true(maxRelDiff(out.data, want) <= tol, `${label}: a second application differs`);
    // Strided x and out.
    const xs = strided(x.data, 2, 1, 3);
    const xsData = Float64Array.from(xs.data);
    const os = strided(new Float64Array(ref.m), 3, 2, 2);
    const osBefore = Float64Array.from(os.data);
    t.is(apply(xs, os), os);
    const got = new Float64Array(ref.m).map((_, i) => os.get(i));
    t.true(maxRelDiff(got, want) <= tol, `${label}: strided x/out give a different result`);
    t.deepEqual(xs.data, xsData, `${label}: strided x was modified`);
    for (let k = 0; k < os.data.length; k++) {
      if ((k - 2) % 3 !== 0 || k < 2 || k >= 2 + 3 * ref.m) t.is(os.data[k], osBefore[k], `${label}: out's gaps were written`);
    }
  }
}

const conforms = test.macro<[() => Case]>({
  exec(t, make) {
    const { op, ref, symmetric, transposable = true, tol = TOL } = make();
    t.deepEqual([...op.shape], [ref.m, ref.n], "shape");
    checkDirection(t, (x, out) => op.apply(x, out), ref, tol, "apply");
    t.true(maxRelDiff(toDense(op).data, ref.a) <= tol, "toDense differs from the dense matrix");
    t.is(op.symmetric === true, symmetric, "symmetric flag");
    if (op.symmetric === true) t.true(isSymmetricMat(ref, 1e-12), "marked symmetric but its matrix is not");
    t.is(typeof op.applyTranspose === "function", transposable, "applyTranspose presence");
    const applyT = op.applyTranspose;
    if (applyT !== undefined) {
      checkDirection(t, (x, out) => applyT.call(op, x, out), T(ref), tol, "applyTranspose");
      // ⟨A x, y⟩ = ⟨x, Aᵀ y⟩
      const r = rng(5);
      const x = r.normalVec(ref.n);
      const y = r.normalVec(ref.m);
      const ax = op.apply(x).data.reduce((s, v, i) => s + v * (y.data[i] as number), 0);
      const aty = applyT.call(op, y).data.reduce((s, v, i) => s + v * (x.data[i] as number), 0);
      t.true(Math.abs(ax - aty) <= 1e-10 * (1 + Math.abs(ax)), "⟨Ax, y⟩ ≠ ⟨x, Aᵀy⟩");
    }
  },
  title: (provided = "") => `${provided} applies and transposes like its dense matrix`,
});

// --- concrete operators --------------------------------------------------------------------
const R34 = randomMat(3, 4, 1);
const R45 = randomMat(4, 5, 2);
const R55 = randomMat(5, 5, 3);
const S5 = randomSym(5, 4);
const S5b = randomSym(5, 5);
const D5 = [1, -2, 3, 0.5, 4];
const Dmat5 = mat(5, 5);
D5.forEach((d, i) => (Dmat5.a[i * 5 + i] = d));

const trip = { rows: [0, 2, 4, 1, 0, 2, 3, 4, 0], cols: [0, 6, 3, 1, 0, 2, 5, 3, 4], values: [1, -2, 3, 4, 5, 0.5, -1, 2, 7] };
const csrOp = (): LinearOperator => csr(trip.rows, trip.cols, trip.values, [5, 7]);
const csrRef = fromTriplets(trip.rows, trip.cols, trip.values, 5, 7);
const symTrip = { rows: [0, 1, 1, 2, 3, 4, 0, 4], cols: [0, 1, 2, 1, 3, 0, 4, 4], values: [2, 3, -1, -1, 5, 0.5, 0.5, 1] };
const csrSym = (): LinearOperator => csr(symTrip.rows, symTrip.cols, symTrip.values, [5, 5]);
const csrSymRef = fromTriplets(symTrip.rows, symTrip.cols, symTrip.values, 5, 5);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const lf10Text = readFileSync(path.resolve(repoRoot, "..", "shared", "data", "matrices", "LF10.mtx"), "utf8");
/** LF10 read independently: the data lines as (i, j, v), 1-based. */
function lf10Ref(): Mat {
  const lines = lf10Text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("%"));
  const [m, n] = (lines[0] as string).trim().split(/\s+/).map(Number) as [number, number];
  const A = mat(m, n);
  for (const l of lines.slice(1)) {
    const [i, j, v] = l.trim().split(/\s+/).map(Number) as [number, number, number];
    A.a[(i - 1) * n + (j - 1)] = (A.a[(i - 1) * n + (j - 1)] as number) + v;
  }
  return A;
}

test("dense 3×4", conforms, () => ({ op: dense(R34.a, [3, 4]), ref: R34, symmetric: false }));
test("dense symmetric 5×5", conforms, () => ({ op: dense(S5.a, [5, 5]), ref: S5, symmetric: true }));
test("diagonal", conforms, () => ({ op: diagonal(D5), ref: Dmat5, symmetric: true }));
test("identity", conforms, () => ({ op: identity(4), ref: eye(4), symmetric: true }));
test("zero 3×2", conforms, () => ({ op: zero(3, 2), ref: mat(3, 2), symmetric: false }));
test("a closure operator with its transpose", conforms, () => ({
  op: operator([3, 4], (x, out) => dense(R34.a, [3, 4]).apply(x, out), {
    applyTranspose: (x) => dense(T(R34).a, [4, 3]).apply(x),
  }),
  ref: R34,
  symmetric: false,
}));
test("a closure operator without a transpose", conforms, () => ({
  op: operator([3, 4], (x, out) => dense(R34.a, [3, 4]).apply(x, out)),
  ref: R34,
  symmetric: false,
  transposable: false,
}));
test("csr 5×7 with duplicates and an empty row", conforms, () => ({ op: csrOp(), ref: csrRef, symmetric: false }));
test("csr symmetric 5×5", conforms, () => ({ op: csrSym(), ref: csrSymRef, symmetric: true }));
test("csr read from LF10.mtx", conforms, () => ({ op: readMatrixMarket(lf10Text), ref: lf10Ref(), symmetric: true }));

// --- compositions --------------------------------------------------------------------------
test("transpose of a csr matrix", conforms, () => ({ op: transpose(csrOp()), ref: T(csrRef), symmetric: false }));
test("transpose of a dense matrix", conforms, () => ({ op: transpose(dense(R34.a, [3, 4])), ref: T(R34), symmetric: false }));
test("add of two dense matrices", conforms, () => ({
  op: add(dense(R55.a, [5, 5]), dense(S5.a, [5, 5])),
  ref: plus(R55, S5),
  symmetric: false,
}));
test("add of three symmetric operators", conforms, () => ({
  op: add(dense(S5.a, [5, 5]), csrSym(), diagonal(D5)),
  ref: plus(plus(S5, csrSymRef), Dmat5),
  symmetric: true,
}));
test("subtract", conforms, () => ({ op: subtract(csrOp(), dense(randomMat(5, 7, 9).a, [5, 7])), ref: plus(csrRef, randomMat(5, 7, 9), -1), symmetric: false }));
test("scaled", conforms, () => ({ op: scaled(-2.5, csrOp()), ref: times(-2.5, csrRef), symmetric: false }));
test("scaled of scaled of a symmetric matrix", conforms, () => ({ op: scaled(3, scaled(-0.5, csrSym())), ref: times(-1.5, csrSymRef), symmetric: true }));
test("compose of 3×4 and 4×5", conforms, () => ({ op: compose(dense(R34.a, [3, 4]), dense(R45.a, [4, 5])), ref: mul(R34, R45), symmetric: false }));
test("compose of three factors", conforms, () => ({
  op: compose(dense(R34.a, [3, 4]), dense(R45.a, [4, 5]), csrSym()),
  ref: mul(mul(R34, R45), csrSymRef),
  symmetric: false,
}));
test("compose of two different symmetric matrices", conforms, () => ({
  op: compose(dense(S5.a, [5, 5]), dense(S5b.a, [5, 5])),
  ref: mul(S5, S5b),
  symmetric: false,
}));
test("compose of Aᵀ and A", conforms, () => {
  const A = csrOp();
  return { op: compose(transpose(A), A), ref: mul(T(csrRef), csrRef), symmetric: true };
});
test("compose of B, S and Bᵀ with S symmetric", conforms, () => {
  const B = dense(R34.a, [3, 4]);
  const S = randomSym(4, 8);
  return { op: compose(B, dense(S.a, [4, 4]), transpose(B)), ref: mul(mul(R34, S), T(R34)), symmetric: true };
});
test("shift", conforms, () => ({ op: shift(dense(R55.a, [5, 5]), 1.5), ref: plus(R55, times(1.5, eye(5))), symmetric: false }));
test("shift of a symmetric csr", conforms, () => ({ op: shift(csrSym(), -2), ref: plus(csrSymRef, times(-2, eye(5))), symmetric: true }));
test("power 3", conforms, () => ({ op: power(dense(R55.a, [5, 5]), 3), ref: mul(R55, mul(R55, R55)), symmetric: false, tol: 1e-11 }));
test("power 4 of a symmetric matrix", conforms, () => ({ op: power(csrSym(), 4), ref: mul(mul(csrSymRef, csrSymRef), mul(csrSymRef, csrSymRef)), symmetric: true }));
test("power 0", conforms, () => ({ op: power(dense(R55.a, [5, 5]), 0), ref: eye(5), symmetric: true }));
test("blockDiagonal of rectangular and square blocks", conforms, () => ({
  op: blockDiagonal([dense(R34.a, [3, 4]), csrSym(), diagonal([2, 3])]),
  ref: blockDiag([R34, csrSymRef, fromRows([[2, 0], [0, 3]])]),
  symmetric: false,
}));
test("blockDiagonal of symmetric blocks", conforms, () => ({
  op: blockDiagonal([csrSym(), dense(S5.a, [5, 5])]),
  ref: blockDiag([csrSymRef, S5]),
  symmetric: true,
}));
test("restrict to rows and columns", conforms, () => ({
  op: restrict(csrOp(), [4, 0, 2], [6, 0, 3, 4]),
  ref: sub(csrRef, [4, 0, 2], [6, 0, 3, 4]),
  symmetric: false,
}));
test("restrict of a symmetric matrix to one index set", conforms, () => ({
  op: restrict(dense(S5.a, [5, 5]), [3, 1, 4]),
  ref: sub(S5, [3, 1, 4], [3, 1, 4]),
  symmetric: true,
}));
test("restrict of a symmetric matrix to different rows and columns", conforms, () => ({
  op: restrict(dense(S5.a, [5, 5]), [3, 1], [1, 3]),
  ref: sub(S5, [3, 1], [1, 3]),
  symmetric: false,
}));
test("projector from an array of vectors", conforms, () => {
  const U = orthonormal(6, 2, 11);
  const UUt = mat(6, 6);
  for (const u of U) for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) UUt.a[i * 6 + j] = (UUt.a[i * 6 + j] as number) + (u[i] as number) * (u[j] as number);
  return { op: projector(U), ref: plus(eye(6), UUt, -1), symmetric: true };
});
test("projector from an n×k ndarray", conforms, () => {
  const U = orthonormal(6, 3, 12);
  const nd = ndarray(new Float64Array(18), [6, 3]);
  U.forEach((u, j) => u.forEach((v, i) => nd.set(i, j, v)));
  const Um = mat(6, 3, Float64Array.from(nd.data));
  return { op: projector(nd), ref: plus(eye(6), mul(Um, T(Um)), -1), symmetric: true };
});
test("counted", conforms, () => ({ op: counted(csrOp()), ref: csrRef, symmetric: false }));
test("a nested composition", conforms, () => {
  const A = dense(R34.a, [3, 4]);
  const B = csrSym();
  // (Aᵀ·A + 2·B⁽⁴ˣ⁴⁾) restricted, shifted, with a sum inside
  const inner = add(compose(transpose(A), A), scaled(2, restrict(B, [0, 1, 2, 3])));
  const ref = plus(mul(T(R34), R34), times(2, sub(csrSymRef, [0, 1, 2, 3], [0, 1, 2, 3])));
  return { op: shift(inner, 0.25), ref: plus(ref, times(0.25, eye(4))), symmetric: true };
});
test("a composition over a closure without transpose", conforms, () => {
  const F = operator([5, 5], (x, out) => scal(2, x, out));
  return { op: add(F, csrSym()), ref: plus(times(2, eye(5)), csrSymRef), symmetric: false, transposable: false };
});
