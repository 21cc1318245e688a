import test from "ava";
import ndarray from "ndarray";
import { vec } from "@krylov-ts/operators";
import { add, evaluate, gradient, input, matmul, constant, params, sum, square, type Tensor } from "@krylov-ts/autodiff";

test("params lays the tensors out one after another in the order given", (t) => {
  const P = params({ W: [3, 2], b: [2], s: [] });
  t.is(P.n, 9);
  t.deepEqual(P.names, ["W", "b", "s"]);
  t.deepEqual(
    P.entries.map((e) => [e.name, e.offset, e.size]),
    [
      ["W", 0, 6],
      ["b", 6, 2],
      ["s", 8, 1],
    ],
  );
});

test("pack and unpack are inverse, and unpack views the vector without copying", (t) => {
  const P = params([
    ["W", [2, 3]],
    ["b", [3]],
  ]);
  const x = P.pack({ W: [1, 2, 3, 4, 5, 6], b: ndarray(new Float64Array([7, 8, 9]), [3]) });
  t.deepEqual([...x.data], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const u = P.unpack(x);
  t.deepEqual(u.W?.shape, [2, 3]);
  t.is(u.W?.get(1, 2), 6);
  t.is(u.b?.get(0), 7);
  u.b?.set(0, 70);
  t.is(x.get(6), 70);
});

test("pack reads a transposed ndarray through its strides", (t) => {
  const P = params({ W: [2, 2] });
  const m = ndarray(new Float64Array([1, 2, 3, 4]), [2, 2]).transpose(1, 0);
  t.deepEqual([...P.pack({ W: m }).data], [1, 3, 2, 4]);
});

test("views slice and reshape the flat tensor, and gradients flow back into it", (t) => {
  const P = params({ W: [2, 2], b: [2] });
  const X = constant([
    [1, 2],
    [3, 4],
  ]);
  const f = (x: Tensor): Tensor => {
    const { W, b } = P.views(x) as Record<"W" | "b", Tensor>;
    return sum(square(add(matmul(X, W), b)));
  };
  const x0 = P.pack({ W: [0.1, 0.2, 0.3, 0.4], b: [0.5, -0.5] });
  const xi = input([P.n], "x");
  const { W, b } = P.views(xi) as Record<"W" | "b", Tensor>;
  t.deepEqual(W.shape, [2, 2]);
  t.deepEqual([...evaluate(b, [[xi, x0.data]])], [0.5, -0.5]);
  // Reference gradient by hand: r = XW + b, f = Σr², ∂f/∂W = 2Xᵀr, ∂f/∂b = 2Σ_rows r.
  const Wd = [0.1, 0.2, 0.3, 0.4];
  const r = [0, 1].flatMap((i) => [0, 1].map((j) => (i === 0 ? 1 : 3) * (Wd[j] as number) + (i === 0 ? 2 : 4) * (Wd[2 + j] as number) + (j === 0 ? 0.5 : -0.5)));
  const Xd = [1, 2, 3, 4];
  const gW = [0, 1].flatMap((a) => [0, 1].map((j) => 2 * ((Xd[a] as number) * (r[j] as number) + (Xd[2 + a] as number) * (r[2 + j] as number))));
  const gb = [0, 1].map((j) => 2 * ((r[j] as number) + (r[2 + j] as number)));
  const g = gradient(f, x0);
  [...gW, ...gb].forEach((v, i) => t.true(Math.abs((g.get(i) as number) - v) < 1e-12));
});

test("a missing or mis-sized value is refused with the parameter's name and shape", (t) => {
  const P = params({ W: [2, 2], b: [2] });
  // A caller without the types (plain JavaScript, or a record built at run time) can omit one.
  const partial = { W: [1, 2, 3, 4] } as unknown as Record<"W" | "b", number[]>;
  t.throws(() => P.pack(partial), { instanceOf: RangeError, message: "params.pack: no value for parameter 'b' [2]" });
  t.throws(() => P.pack({ W: [1, 2, 3], b: [1, 2] }), {
    instanceOf: RangeError,
    message: "params.pack: parameter 'W' [2, 2] needs 4 values but got 3",
  });
});

test("views of a tensor of the wrong shape are refused", (t) => {
  const P = params({ W: [2, 2] });
  t.throws(() => P.views(input([5], "x")), { instanceOf: RangeError, message: "params.views: x has shape [5] but the parameters need [4]" });
});

test("unpack of a vector of the wrong length is refused", (t) => {
  const P = params({ W: [2, 2] });
  t.throws(() => P.unpack(vec(3)), { instanceOf: RangeError, message: "params.unpack: x has length 3 but the parameters need 4" });
});

test("a parameter named twice is refused", (t) => {
  t.throws(
    () =>
      params([
        ["W", [1]],
        ["W", [2]],
      ]),
    { instanceOf: RangeError, message: "params: parameter 'W' is named twice" },
  );
});

test("pack leaves out untouched when a later parameter is missing", (t) => {
  const P = params({ W: [2, 2], b: [2] });
  const out = vec([9, 9, 9, 9, 9, 9]);
  t.throws(() => P.pack({ W: [1, 2, 3, 4] } as never, out), { instanceOf: RangeError, message: /no value for parameter 'b'/ });
  t.deepEqual(Array.from(out.data), [9, 9, 9, 9, 9, 9]);
});

test("pack leaves out untouched when a later parameter has the wrong size", (t) => {
  const P = params({ W: [2, 2], b: [2] });
  const out = vec([9, 9, 9, 9, 9, 9]);
  t.throws(() => P.pack({ W: [1, 2, 3, 4], b: [1, 2, 3] }, out), { instanceOf: RangeError, message: /'b' \[2\] needs 2 values but got 3/ });
  t.deepEqual(Array.from(out.data), [9, 9, 9, 9, 9, 9]);
});
