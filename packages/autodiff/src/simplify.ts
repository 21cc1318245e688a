/**
 * The compiler's rewriting pass: from the user's graph to a smaller equivalent graph of `IRNode`s.
 *
 * One walk in topological order (tensor ids increase from inputs to outputs) maps every tensor
 * to a canonical node, applying in turn
 *
 * 1. identity ops: `stopGradient(x) → x` (it only matters to differentiation);
 * 2. constant folding: a node whose inputs are all constants is evaluated once with its
 *    kernel and becomes a constant;
 * 3. algebraic simplification: `x·0 → 0`, `x·1 → x`, `x + 0 → x`, `x − 0 → x`, `0 − x → −x`,
 *    `0 / x → 0`, `x / 1 → x`, `−(−x) → x`, `matmul`/`dot` with a zero operand → 0,
 *    transpose of a transpose → one transpose (or `x`), reshape of a reshape → one reshape,
 *    reshape/broadcast to the same shape → `x`, a 2-D transpose feeding `matmul` → the
 *    matmul's `transposeA`/`transposeB` flag, a sum of vectors padded around disjoint blocks
 *    (the gradient over a flat parameter vector) → one `concat` of the blocks (`padSum`), a pad
 *    by nothing → `x`. Broadcasting is respected: `x·1 → x` only when
 *    `x` already has the result's shape, otherwise `broadcastTo(x, shape)`; a zero result is a
 *    zero constant of the result's shape. (As in every such compiler, `x·0 → 0` assumes x is
 *    finite: a NaN or ∞ in x does not propagate.)
 * 4. common subexpression merging: op, canonical input ids and attributes compared by value;
 *    constants compared by value.
 *
 * Dead nodes (not reachable from an output) are dropped at the end.
 *
 * @module
 */
import { getOp, shapeStr, sizeOf, type Attrs, type Shape, type Tensor } from "./graph.js";

/** A node of the optimized graph. */
export interface IRNode {
  /** Creation order, which is a topological order. */
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly IRNode[];
  readonly shape: Shape;
  readonly size: number;
  readonly attrs: Attrs;
  /** A constant's data. */
  readonly value: Float64Array | undefined;
  /** The source tensor of an `input` node. */
  readonly source: Tensor | undefined;
  /** A constant whose elements are all 0 / all 1. */
  readonly zero: boolean;
  readonly one: boolean;
}

/** Counts of a graph: nodes and nodes by op. */
export interface GraphCounts {
  nodes: number;
  byOp: Record<string, number>;
}

/** The result of `optimize`. */
export interface Optimized {
  /** Live nodes in topological order. */
  nodes: IRNode[];
  /** The canonical node of each output. */
  outputs: IRNode[];
  before: GraphCounts;
  after: GraphCounts;
  /** How many times each rewrite fired. */
  rewrites: Record<string, number>;
}

/** The optimizing rewrite of the graph behind `outputs` (see the module comment). */
export function optimize(outputs: readonly Tensor[]): Optimized {
  const order = collect(outputs);
  const b = new Builder();
  const map = new Map<Tensor, IRNode>();
  for (const t of order) {
    let node: IRNode;
    if (t.op === "input") node = b.inputNode(t);
    else if (t.op === "constant") node = b.constantNode(t.shape, t.value as Float64Array);
    else node = b.node(t.op, t.inputs.map((u) => map.get(u) as IRNode), t.attrs);
    map.set(t, node);
  }
  const outs = outputs.map((t) => map.get(t) as IRNode);
  const live = new Set<IRNode>();
  const stack = [...outs];
  while (stack.length > 0) {
    const n = stack.pop() as IRNode;
    if (live.has(n)) continue;
    live.add(n);
    for (const u of n.inputs) stack.push(u);
  }
  const nodes = [...live].sort((p, q) => p.id - q.id);
  return {
    nodes,
    outputs: outs,
    before: counts(order.map((t) => t.op)),
    after: counts(nodes.map((n) => n.op)),
    rewrites: b.rewrites,
  };
}

/** Every tensor reachable from `outputs`, sorted topologically (by id). */
export function collect(outputs: readonly Tensor[]): Tensor[] {
  const seen = new Set<Tensor>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const t = stack.pop() as Tensor;
    if (seen.has(t)) continue;
    seen.add(t);
    for (const u of t.inputs) stack.push(u);
  }
  return [...seen].sort((p, q) => p.id - q.id);
}

function counts(ops: readonly string[]): GraphCounts {
  const byOp: Record<string, number> = {};
  for (const op of ops) byOp[op] = (byOp[op] ?? 0) + 1;
  return { nodes: ops.length, byOp };
}

/** Attributes as a canonical string (keys sorted). */
function attrsKey(attrs: Attrs): string {
  return JSON.stringify(Object.keys(attrs).sort().map((k) => [k, attrs[k]]));
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Creates canonical nodes: folds, simplifies and merges as it goes. */
class Builder {
  private nextId = 0;
  private readonly byKey = new Map<string, IRNode>();
  private readonly constants = new Map<string, IRNode[]>();
  readonly rewrites: Record<string, number> = {};
  /** The blocks of the nodes made by `padSum`. */
  private readonly padBlocks = new Map<IRNode, readonly Block[]>();

  private fired(rule: string): void {
    this.rewrites[rule] = (this.rewrites[rule] ?? 0) + 1;
  }

  private make(op: string, inputs: readonly IRNode[], shape: Shape, attrs: Attrs, value?: Float64Array, source?: Tensor): IRNode {
    let zero = false;
    let one = false;
    if (value !== undefined) {
      zero = value.every((v) => v === 0);
      one = !zero && value.every((v) => v === 1);
    }
    return { id: this.nextId++, op, inputs, shape, size: sizeOf(shape), attrs, value, source, zero, one };
  }

  inputNode(t: Tensor): IRNode {
    return this.make("input", [], t.shape, t.attrs, undefined, t);
  }

  /** A constant, merged with an earlier one of equal shape and data. */
  constantNode(shape: Shape, value: Float64Array): IRNode {
    const key = `${shapeStr(shape)}:${hash(value)}`;
    const list = this.constants.get(key);
    if (list !== undefined) {
      for (const c of list) {
        if (equalData(c.value as Float64Array, value)) {
          this.fired("mergeConstant");
          return c;
        }
      }
    }
    const node = this.make("constant", [], shape, { shape: [...shape] }, value);
    if (list === undefined) this.constants.set(key, [node]);
    else list.push(node);
    return node;
  }

  private zeros(shape: Shape): IRNode {
    return this.constantNode(shape, new Float64Array(sizeOf(shape)));
  }

  /** `x` if it has `shape`, else `broadcastTo(x, shape)`. */
  private fit(x: IRNode, shape: Shape): IRNode {
    return sameShape(x.shape, shape) ? x : this.node("broadcastTo", [x], { shape: [...shape] });
  }

  /**
   * The blocks of a vector that is a sum of disjoint padded blocks: a 1-D `pad`, or a node made
   * by `padSum`.
   */
  private blocksOf(n: IRNode): readonly Block[] | undefined {
    const made = this.padBlocks.get(n);
    if (made !== undefined) return made;
    if (n.op === "pad" && n.shape.length === 1) return [{ begin: (n.attrs.before as readonly number[])[0] as number, x: n.inputs[0] as IRNode }];
    return undefined;
  }

  /**
   * pad(x₁) + pad(x₂) + … over disjoint ranges of a vector → pad(concat(x₁, 0, x₂, …)): the
   * gradient over a flat parameter vector is the sum of one padded block per parameter view
   * (the VJP of `slice`), which as pads and adds writes every element once per block and adds
   * them pairwise; as a concat each element is written once. The gaps between blocks become
   * zero constants; the outer pad disappears when the blocks cover the vector. Only exact:
   * x + 0 = x, and a block's elements are copied, not summed (a −0 in a block stays −0).
   */
  private padSum(a: IRNode, b: IRNode, shape: Shape): IRNode | undefined {
    if (shape.length !== 1 || a.shape.length !== 1 || b.shape.length !== 1) return undefined;
    const pa = this.blocksOf(a);
    const pb = pa === undefined ? undefined : this.blocksOf(b);
    if (pa === undefined || pb === undefined) return undefined;
    const blocks = [...pa, ...pb].sort((p, q) => p.begin - q.begin);
    const parts: IRNode[] = [];
    let at = 0;
    for (const { begin, x } of blocks) {
      if (begin < at) return undefined; // overlapping blocks: a true sum
      if (begin > at && parts.length > 0) parts.push(this.zeros([begin - at]));
      parts.push(x);
      at = begin + x.size;
    }
    const first = (blocks[0] as Block).begin;
    const n = shape[0] as number;
    const joined = parts.length === 1 ? (parts[0] as IRNode) : this.node("concat", parts, { axis: 0 });
    const node = this.node("pad", [joined], { before: [first], after: [n - at] });
    this.fired("padSum");
    this.padBlocks.set(node, blocks);
    return node;
  }

  /** The canonical node of `op(inputs; attrs)`. */
  node(op: string, inputs: readonly IRNode[], attrs: Attrs): IRNode {
    if (op === "stopGradient") {
      this.fired("stopGradient");
      return inputs[0] as IRNode;
    }
    const def = getOp(op);
    const shape = def.shape(
      inputs.map((u) => u.shape),
      attrs,
    );
    if (inputs.length > 0 && inputs.every((u) => u.op === "constant")) {
      const out = new Float64Array(sizeOf(shape));
      def.kernel(
        inputs.map((u) => u.value as Float64Array),
        inputs.map((u) => u.shape),
        out,
        shape,
        attrs,
      );
      this.fired("fold");
      return this.constantNode(shape, out);
    }
    const simpler = this.simplify(op, inputs, shape, attrs);
    if (simpler !== undefined) return simpler;
    const key = `${op}|${inputs.map((u) => u.id).join(",")}|${attrsKey(attrs)}`;
    const found = this.byKey.get(key);
    if (found !== undefined) {
      this.fired("cse");
      return found;
    }
    const node = this.make(op, inputs, shape, attrs);
    this.byKey.set(key, node);
    return node;
  }

  /** An equivalent simpler node, or undefined when no rule applies. */
  private simplify(op: string, inputs: readonly IRNode[], shape: Shape, attrs: Attrs): IRNode | undefined {
    const a = inputs[0] as IRNode;
    const b = inputs[1] as IRNode;
    const rule = (name: string, n: IRNode): IRNode => {
      this.fired(name);
      return n;
    };
    switch (op) {
      case "neg":
        if (a.op === "neg") return rule("negNeg", a.inputs[0] as IRNode);
        return undefined;
      case "add":
        if (b.zero) return rule("addZero", this.fit(a, shape));
        if (a.zero) return rule("addZero", this.fit(b, shape));
        if (b.op === "neg" && sameShape(b.shape, shape)) return rule("addNeg", this.node("sub", [a, b.inputs[0] as IRNode], {}));
        return this.padSum(a, b, shape);
      case "sub":
        if (b.zero) return rule("subZero", this.fit(a, shape));
        if (a.zero) return rule("zeroSub", this.node("neg", [this.fit(b, shape)], {}));
        return undefined;
      case "mul":
        if (a.zero || b.zero) return rule("mulZero", this.zeros(shape));
        if (b.one) return rule("mulOne", this.fit(a, shape));
        if (a.one) return rule("mulOne", this.fit(b, shape));
        return undefined;
      case "div":
        if (a.zero) return rule("zeroDiv", this.zeros(shape));
        if (b.one) return rule("divOne", this.fit(a, shape));
        return undefined;
      case "matmul":
        if (a.zero || b.zero) return rule("matmulZero", this.zeros(shape));
        // matmul(transpose(a), b) → matmul(a, b, transposeA flipped): no transpose is materialized
        if (isMatrixTranspose(a) || isMatrixTranspose(b)) {
          const ta = isMatrixTranspose(a);
          const tb = isMatrixTranspose(b);
          this.fired("matmulTranspose");
          return this.node("matmul", [ta ? (a.inputs[0] as IRNode) : a, tb ? (b.inputs[0] as IRNode) : b], {
            ...attrs,
            transposeA: (attrs.transposeA === true) !== ta,
            transposeB: (attrs.transposeB === true) !== tb,
          });
        }
        return undefined;
      case "dot":
        if (a.zero || b.zero) return rule("dotZero", this.zeros(shape));
        return undefined;
      case "transpose": {
        const perm = permOf(attrs, a.shape.length);
        if (isIdentity(perm)) return rule("transposeIdentity", a);
        if (a.op === "transpose") {
          const inner = permOf(a.attrs, a.shape.length);
          // transpose(transpose(x, p), q): output axis i is x's axis p[q[i]]
          const composed = perm.map((qi) => inner[qi] as number);
          const x = a.inputs[0] as IRNode;
          this.fired("transposeTranspose");
          return isIdentity(composed) ? x : this.node("transpose", [x], { ...attrs, perm: composed });
        }
        return undefined;
      }
      case "reshape":
        if (sameShape(a.shape, shape)) return rule("reshapeSame", a);
        if (a.op === "reshape") return rule("reshapeReshape", this.node("reshape", [a.inputs[0] as IRNode], attrs));
        return undefined;
      case "broadcastTo":
        if (sameShape(a.shape, shape)) return rule("broadcastSame", a);
        return undefined;
      case "pad":
        if (sameShape(a.shape, shape)) return rule("padNothing", a);
        return undefined;
      default:
        return undefined;
    }
  }
}

/** A block of a vector: `x` occupies [begin, begin + x.size), zeros elsewhere. */
interface Block {
  readonly begin: number;
  readonly x: IRNode;
}

/** A transpose's permutation; the reverse of the axes when the attribute is absent. */
function permOf(attrs: Attrs, rank: number): number[] {
  const p = attrs.perm;
  if (Array.isArray(p)) return [...(p as readonly number[])];
  return Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

/** A 2-D transpose node (perm [1, 0]). */
function isMatrixTranspose(n: IRNode): boolean {
  if (n.op !== "transpose" || n.shape.length !== 2) return false;
  const p = permOf(n.attrs, 2);
  return p[0] === 1 && p[1] === 0;
}

function isIdentity(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

/** FNV-1a over the bytes' 32-bit words: a cheap key for merging constants. */
function hash(v: Float64Array): string {
  const w = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) {
    h ^= w[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return `${v.length}:${(h >>> 0).toString(16)}`;
}

function equalData(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
