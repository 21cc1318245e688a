import test from "ava";
import {
  add, blockDiagonal, checkSymmetric, compose, counted, dense, diagonal, identity, operator, power, projector,
  restrict, scaled, shift, subtract, transpose, vec, zero, type LinearOperator,
} from "@krylov-ts/operators";
import { randomMat } from "./reference.js";

const A34 = dense(randomMat(3, 4, 1).a, [3, 4]);
const B55 = dense(randomMat(5, 5, 2).a, [5, 5]);
const C45 = dense(randomMat(4, 5, 3).a, [4, 5]);
const noT = operator([5, 5], (x, out) => B55.apply(x, out));

const cases: Array<[string, () => unknown, ErrorConstructor, string | RegExp]> = [
  ["compose with mismatched inner sizes", () => compose(A34, B55), RangeError, "compose: A is 3×4 but B is 5×5"],
  ["compose whose third factor does not fit", () => compose(A34, C45, A34), RangeError, "compose: B is 4×5 but C is 3×4"],
  ["compose of nothing", () => compose(), TypeError, "compose: at least one operator is needed"],
  ["add of different shapes", () => add(A34, B55), RangeError, "add: A is 3×4 but B is 5×5"],
  ["add whose third operand differs", () => add(B55, B55, A34), RangeError, "add: A is 5×5 but C is 3×4"],
  ["add of something that is not an operator", () => add(B55, {} as LinearOperator), TypeError, "add: B must be a LinearOperator (an object with shape and apply)"],
  ["subtract of different shapes", () => subtract(B55, A34), RangeError, "subtract: A is 5×5 but B is 3×4"],
  ["scaled by NaN", () => scaled(NaN, B55), RangeError, "scaled: alpha must be finite, got NaN"],
  ["scaled by a string", () => scaled("2" as unknown as number, B55), TypeError, "scaled: alpha must be a number, got string"],
  ["shift of a rectangular operator", () => shift(A34, 1), RangeError, "shift: A must be square but is 3×4"],
  ["shift by infinity", () => shift(B55, Infinity), RangeError, "shift: sigma must be finite, got Infinity"],
  ["power of a rectangular operator", () => power(A34, 2), RangeError, "power: A must be square but is 3×4"],
  ["a negative power", () => power(B55, -1), RangeError, "power: k must be a non-negative integer, got -1"],
  ["a fractional power", () => power(B55, 1.5), RangeError, "power: k must be a non-negative integer, got 1.5"],
  ["a NaN power", () => power(B55, NaN), RangeError, "power: k must be a non-negative integer, got NaN"],
  ["blockDiagonal of no blocks", () => blockDiagonal([]), TypeError, "blockDiagonal: blocks must be a non-empty array of operators"],
  ["blockDiagonal with a non-operator", () => blockDiagonal([B55, 3 as unknown as LinearOperator]), TypeError, "blockDiagonal: blocks[1] must be a LinearOperator (an object with shape and apply)"],
  ["restrict with a row out of range", () => restrict(B55, [0, 5]), RangeError, "restrict: rows[1] = 5 is out of range for A 5×5 (rows must be integers in 0…4)"],
  ["restrict with a negative column", () => restrict(A34, [0], [-1]), RangeError, "restrict: cols[0] = -1 is out of range for A 3×4 (cols must be integers in 0…3)"],
  ["restrict with a fractional index", () => restrict(B55, [0.5]), RangeError, /restrict: rows\[0\] = 0.5 is out of range/],
  ["a projector on non-orthonormal vectors", () => projector([vec([1, 0]), vec([1, 1])]), RangeError, /projector: U is not orthonormal: \|⟨u0, u1⟩ − 0\| = 1.00e\+0 exceeds 1e-8/],
  ["a projector on vectors of different lengths", () => projector([vec([1, 0]), vec([0, 0, 1])]), RangeError, "projector: U[1] has length 3 but U[0] has length 2"],
  ["a projector on no vectors", () => projector([]), RangeError, "projector: U must hold at least one vector (or be an n×0 ndarray)"],
  ["the transpose of an operator without one", () => transpose(noT), TypeError, "transpose: A (5×5) has no applyTranspose and is not symmetric"],
  ["counted of a non-operator", () => counted(null as unknown as LinearOperator), TypeError, "counted: A must be a LinearOperator (an object with shape and apply)"],
  ["an x of the wrong length", () => add(B55, B55).apply(vec(3)), RangeError, "add.apply: x has length 3 but the operator is 5×5"],
  ["an out of the wrong length", () => compose(A34, C45).apply(vec(5), vec(4)), RangeError, "compose.apply: out has length 4 but the operator is 3×5"],
  ["a transposed x of the wrong length", () => compose(A34, C45).applyTranspose?.(vec(5)), RangeError, "compose.applyTranspose: x has length 5 but the operator is 3×5"],
  ["dense with ragged rows", () => dense([[1, 2], [3]]), RangeError, "dense: row 1 has length 1 but row 0 has length 2 (ragged rows)"],
  ["dense data of the wrong length", () => dense(new Float64Array(5), [2, 3]), RangeError, "dense: data has length 5 but shape 2×3 needs 6"],
  ["a vector of negative size", () => vec(-1), RangeError, "vec: n must be a non-negative integer size, got -1"],
  ["a vector of NaN size", () => vec(NaN), RangeError, "vec: n must be a non-negative integer size, got NaN"],
  ["an identity of negative size", () => identity(-2), RangeError, "identity: n must be a non-negative integer size, got -2"],
  ["a zero operator of NaN size", () => zero(3, NaN), RangeError, "zero: n must be a non-negative integer size, got NaN"],
  ["an operator of NaN shape", () => operator([NaN, 2], (x, out) => out), RangeError, "operator: shape must hold non-negative integers, got [NaN, 2]"],
  ["checkSymmetric with zero probes", () => checkSymmetric(B55, { probes: 0 }), RangeError, "checkSymmetric: options.probes must be a positive integer, got 0"],
  ["checkSymmetric with a NaN seed", () => checkSymmetric(identity(3), { seed: Number.NaN }), RangeError, /^checkSymmetric: options\.seed must be a finite number, got NaN/],
];

for (const [what, fn, type, message] of cases) {
  test(`${what} throws a ${type.name} naming the function, argument and sizes`, (t) => {
    t.throws(fn, { instanceOf: type, message });
  });
}

test("a failed apply modifies neither x nor out", (t) => {
  const P = compose(A34, C45);
  const x = vec([1, 2, 3, 4]);
  const out = vec([9, 9, 9]);
  t.throws(() => P.apply(x, out), { instanceOf: RangeError });
  t.deepEqual(Array.from(x.data), [1, 2, 3, 4]);
  t.deepEqual(Array.from(out.data), [9, 9, 9]);
  const y = vec([1, 2, 3]);
  const outT = vec([7, 7]);
  t.throws(() => add(diagonal([1, 2, 3]), diagonal([1, 2, 3])).applyTranspose?.(y, outT), { instanceOf: RangeError });
  t.deepEqual(Array.from(outT.data), [7, 7]);
});

test("a failed construction leaves the index arrays and vectors it was given unchanged", (t) => {
  const rows = [0, 9];
  t.throws(() => restrict(B55, rows));
  t.deepEqual(rows, [0, 9]);
  const u = [vec([1, 0]), vec([1, 1])];
  t.throws(() => projector(u));
  t.deepEqual(Array.from(u[1]!.data), [1, 1]);
});
