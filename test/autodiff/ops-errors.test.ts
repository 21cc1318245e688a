import test from "ava";
import * as ad from "@krylov-ts/autodiff";
import { input, evaluate } from "@krylov-ts/autodiff";

const a23 = input([2, 3], "a");
const b4 = input([4], "b");

test("matmul names both shapes and the inner dimensions when they differ", (t) => {
  t.throws(() => ad.matmul(input([2, 3]), input([4, 5])), {
    instanceOf: RangeError,
    message: "matmul: a has shape [2, 3] but b has shape [4, 5] (inner dimensions 3 ≠ 4)",
  });
  t.throws(() => ad.matmul(input([2, 3]), input([2, 5]), { transposeB: true }), {
    message: "matmul: a has shape [2, 3] but b has shape [2, 5] (transposed) (inner dimensions 3 ≠ 5)",
  });
});

test("matmul refuses operands that are not matrices", (t) => {
  t.throws(() => ad.matmul(input([3]), input([3, 2])), { message: "matmul: a must be 2-D, got shape [3]" });
});

test("elementwise binary ops name the op and both shapes when they do not broadcast", (t) => {
  for (const [name, f] of [
    ["add", ad.add],
    ["sub", ad.sub],
    ["mul", ad.mul],
    ["div", ad.div],
    ["maximum", ad.maximum],
  ] as const) {
    t.throws(() => f(a23, b4), { instanceOf: RangeError, message: `${name}: shapes [2, 3] and [4] do not broadcast` });
  }
});

test("where names all three shapes", (t) => {
  t.throws(() => ad.where(input([2, 1]), a23, b4), {
    message: "where: cond has shape [2, 1], a has shape [2, 3] and b has shape [4], which do not broadcast",
  });
});

test("dot and softmaxCrossEntropy require equal shapes and name both", (t) => {
  t.throws(() => ad.dot(a23, input([3, 2])), { message: "dot: a has shape [2, 3] but b has shape [3, 2] (they must be equal)" });
  t.throws(() => ad.softmaxCrossEntropy(a23, input([2, 4])), {
    message: "softmaxCrossEntropy: logits has shape [2, 3] but labels has shape [2, 4] (they must be equal)",
  });
});

test("shape-changing ops name the op, the shape and the bad argument", (t) => {
  t.throws(() => ad.reshape(a23, [4, 2]), { message: "reshape: x has shape [2, 3] (6 elements) but the new shape [4, 2] has 8" });
  t.throws(() => ad.reshape(a23, [4, -1]), { message: "reshape: cannot reshape [2, 3] to [4, -1]" });
  t.throws(() => ad.broadcastTo(a23, [3, 3]), { message: "broadcastTo: x has shape [2, 3] which does not broadcast to [3, 3]" });
  t.throws(() => ad.transpose(a23, [0, 0]), {
    message: "transpose: perm [0, 0] is not a permutation of the axes of x, which has shape [2, 3]",
  });
  t.throws(() => ad.slice(a23, [1, 1], [2, 1]), { message: "slice: begin [1, 1] and size [2, 1] do not fit in x, which has shape [2, 3]" });
  t.throws(() => ad.concat([a23, input([3, 2])], 1), {
    message: "concat: xs[0] has shape [2, 3] but xs[1] has shape [3, 2] (only axis 1 may differ)",
  });
  t.throws(() => ad.sum(a23, 2), { message: "sum: axis 2 is out of range for a tensor of rank 2" });
  t.throws(() => ad.logSoftmax(a23, -3), { message: "logSoftmax: axis -3 is out of range for a tensor of rank 2" });
});

test("ops refuse arguments that are neither tensors nor numbers", (t) => {
  t.throws(() => ad.add(a23, "1" as unknown as number), { instanceOf: TypeError, message: "add: b must be a Tensor or a number" });
  t.throws(() => ad.pow(a23, Number.NaN), { instanceOf: TypeError });
});

test("evaluate names an unbound input and an input bound to the wrong length", (t) => {
  const x = input([2, 2], "weights");
  const y = ad.sum(x);
  t.throws(() => evaluate(y), { message: "evaluate: no value bound to input 'weights' of shape [2, 2]" });
  t.throws(() => evaluate(y, [[x, [1, 2, 3]]]), {
    message: "evaluate: input 'weights' has shape [2, 2] (4 elements) but its value has 3",
  });
});
