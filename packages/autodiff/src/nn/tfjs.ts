/**
 * TF.js Layers models (`model.json` + the binary weight files of its `weightsManifest`) as a
 * model over one flat parameter vector θ, whose initial value is the file's weights, without
 * TF.js at run time. What each layer computes is Keras' definition (channels_last only).
 *
 * @module
 */
import { constant, shapeStr, type Shape, type Tensor } from "../graph.js";
import { add } from "../ops/add.js";
import { matmul } from "../ops/matmul.js";
import { reshape } from "../ops/reshape.js";
import { params, type ParamLayout } from "../params.js";
import { batchNorm } from "./layers.js";
import { conv2d } from "./conv2d.js";
import { avgPool2d, maxPool2d } from "./pool.js";
import { outputSize } from "../ops/window.js";
import { resolveWindow } from "./window-options.js";
import { activationNamed } from "./tfjs-activations.js";

/** A TF.js Layers model loaded over one flat parameter vector. */
export interface TfjsModel {
  /** Number of trainable parameters (the length of θ). */
  readonly n: number;
  /** The packing of θ, named by the file's weight names (`dense_Dense1/kernel`, …), in layer order. */
  readonly layout: ParamLayout;
  /** One sample's input shape (the model's batch_input_shape without the batch axis). */
  readonly inputShape: Shape;
  /** One sample's output shape. */
  readonly outputShape: Shape;
  /** The file's trainable weights as θ (float32 values, exactly, in float64). */
  readonly theta: Float64Array;
  /** The last layer's activation by its Keras name (`'softmax'`, which `logits` leaves out, `'linear'`, …; `'linear'` for a layer without one). */
  readonly outputActivation: string;
  /** The layers as loaded: class name, layer name, output shape per sample, activation (Dense, Conv2D, Activation). */
  readonly layers: readonly { readonly className: string; readonly name: string; readonly outputShape: Shape; readonly activation?: string }[];
  /** A copy of the file's weights (the `SequentialModel` shape: the seed is ignored). */
  init(seed?: number): Float64Array;
  /** The model's outputs on a batch x [B, …inputShape] at θ [n] (with the final softmax, if any). */
  apply(theta: Tensor, x: Tensor): Tensor;
  /** The outputs before a final softmax (equal to `apply` when there is none): pair these with `softmaxCrossEntropy`. */
  logits(theta: Tensor, x: Tensor): Tensor;
}

/** The bytes of the weight files: one buffer (all files concatenated in manifest order, as TF.js's `weightData`) or one per path in manifest order. */
export type TfjsWeightData = ArrayBuffer | ArrayBufferView | readonly (ArrayBuffer | ArrayBufferView)[];

type Json = Record<string, unknown>;

/** One layer after reading its config: its parameters, constants and function. */
interface Built {
  readonly params: readonly (readonly [string, readonly number[]])[];
  readonly outputShape: Shape;
  /** Ends in a softmax that `logits` leaves out (last layer only). */
  readonly softmaxTail: boolean;
  /** The activation's Keras name ('linear' for none). */
  readonly activation?: string;
  apply(x: Tensor, p: Readonly<Record<string, Tensor>>, last: "logits" | "outputs"): Tensor;
}

/** Layer classes that are the identity at inference. */
const IDENTITY = new Set(["Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout"]);

/**
 * Loads a TF.js Layers model: a `Sequential` (or a functional model that is a chain) of InputLayer, Dense, Conv2D, MaxPooling2D,
 * AveragePooling2D, Flatten, Reshape, Dropout (the identity at inference), Activation and
 * BatchNormalization (inference form, its moving statistics as constants), with the activations
 * linear, relu, tanh, sigmoid, softmax, softplus, softsign, elu, selu, swish/silu, gelu (with erf)
 * and gelu_new (tanh form). Kernels as Keras stores them: dense [in, out], conv [KH, KW, Cin, F]; 'same' padding
 * as TensorFlow's (the odd pixel at the end). Weights float32, or uint8/uint16 affine-quantized.
 *
 * @param json - the parsed model.json (`{ modelTopology, weightsManifest }`)
 * @param weights - the weight files' bytes (see `TfjsWeightData`)
 * @throws TypeError/RangeError naming the layer and its class for an unsupported layer, option
 *   (channels_first, …) or a weight missing or of the wrong shape
 * @example
 * const m = loadTfjsModel(JSON.parse(readFileSync("model.json", "utf8")), readFileSync("group1-shard1of1.bin"));
 * const loss = (theta: Tensor) => softmaxCrossEntropy(m.logits(theta, X), Y);
 */
export function loadTfjsModel(json: unknown, weights: TfjsWeightData): TfjsModel {
  const fn = "loadTfjsModel";
  if (!isObject(json)) throw new TypeError(`${fn}: json must be the parsed model.json object, got ${typeof json}`);
  const { layers: configs } = sequentialConfig(json);
  const tensors = readWeights(json, weights);
  const inputShape = declaredInput(configs);
  const built: Built[] = [];
  const spec: [string, readonly number[]][] = [];
  const consts: Record<string, Tensor>[] = [];
  const thetaNames: Record<string, string>[] = [];
  const described: { className: string; name: string; outputShape: Shape; activation?: string }[] = [];
  let shape: Shape = inputShape;
  // The layer whose activation is the model's: the last one that is not the identity at inference.
  let lastIndex = configs.length - 1;
  while (lastIndex > 0 && isIdentity(String((configs[lastIndex] as Json).class_name))) lastIndex--;
  configs.forEach((layer, i) => {
    const className = String(layer.class_name);
    const config = (isObject(layer.config) ? layer.config : {}) as Json;
    const name = typeof config.name === "string" ? config.name : `layer${i}`;
    const where = `${fn}: layer '${name}' (${className})`;
    const b = buildLayer(where, className, config, shape, i === lastIndex);
    const c: Record<string, Tensor> = {};
    const own: Record<string, string> = {};
    for (const [local, s] of b.params) {
      const w = findWeight(where, tensors, name, local, s);
      if (NON_TRAINABLE.has(local)) c[local] = constant(w.values, [...s]);
      else {
        spec.push([w.name, s]);
        own[local] = w.name;
      }
    }
    thetaNames.push(own);
    built.push(b);
    consts.push(c);
    shape = b.outputShape;
    described.push({ className, name, outputShape: shape, ...(b.activation === undefined ? {} : { activation: b.activation }) });
  });
  const layout = params(Object.fromEntries(spec));
  const theta = new Float64Array(layout.n);
  for (const [wname] of spec) theta.set((tensors.get(wname) as WeightTensor).values, layout.entry(wname).offset);
  const outputShape = shape;
  const run = (th: Tensor, x: Tensor, last: "logits" | "outputs"): Tensor => {
    if (x.rank !== inputShape.length + 1 || inputShape.some((d, k) => d !== x.shape[k + 1])) {
      throw new RangeError(`${fn}: x must be [B, ${inputShape.join(", ")}] for this model, got shape ${shapeStr(x.shape)}`);
    }
    const views = layout.views(th);
    let y = x;
    built.forEach((b, i) => {
      const p: Record<string, Tensor> = { ...(consts[i] as Record<string, Tensor>) };
      for (const [local, wname] of Object.entries(thetaNames[i] as Record<string, string>)) p[local] = views[wname] as Tensor;
      y = b.apply(y, p, i === lastIndex ? last : "outputs");
    });
    return y;
  };
  return {
    n: layout.n,
    layout,
    inputShape,
    outputShape,
    theta,
    outputActivation: (built[lastIndex] as Built).activation ?? "linear",
    layers: described,
    init: () => theta.slice(),
    apply: (th, x) => run(th, x, "outputs"),
    logits: (th, x) => run(th, x, "logits"),
  };
}

function isIdentity(className: string): boolean {
  return className === "InputLayer" || IDENTITY.has(className);
}

/** BatchNormalization's statistics: constants of the model, not parameters of θ. */
const NON_TRAINABLE = new Set(["moving_mean", "moving_variance"]);

function isObject(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The layer list of a Sequential topology (TF.js's own and the Keras converter's forms). */
function sequentialConfig(json: Json): { layers: Json[] } {
  const fn = "loadTfjsModel";
  let topology = json.modelTopology;
  if (!isObject(topology)) throw new TypeError(`${fn}: model.json has no modelTopology object (is it a graph model? only Layers models are supported)`);
  if (isObject(topology.model_config)) topology = topology.model_config;
  const t = topology as Json;
  if (t.class_name === "Functional" || t.class_name === "Model") return { layers: chain(t) };
  if (t.class_name !== "Sequential") {
    throw new TypeError(`${fn}: only Sequential models and functional chains are supported, got model class '${String(t.class_name)}'`);
  }
  const config = t.config;
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0 || !layers.every(isObject)) throw new TypeError(`${fn}: the Sequential model's config has no list of layers`);
  return { layers: layers as Json[] };
}

/**
 * The layers of a functional model that is a chain (each layer's one input the previous layer's
 * output, one model input and output), in order; anything else is refused.
 */
function chain(t: Json): Json[] {
  const fn = "loadTfjsModel";
  const config = isObject(t.config) ? t.config : {};
  const layers = config.layers;
  if (!Array.isArray(layers) || layers.length === 0 || !layers.every(isObject)) throw new TypeError(`${fn}: the functional model's config has no list of layers`);
  const list = layers as Json[];
  list.forEach((layer, i) => {
    const name = String(layer.name ?? (isObject(layer.config) ? layer.config.name : ""));
    const from = inboundNames(layer.inbound_nodes);
    const previous = i === 0 ? undefined : String((list[i - 1] as Json).name ?? "");
    const ok = i === 0 ? from.length === 0 : from.length === 1 && from[0] === previous;
    if (!ok) {
      throw new TypeError(`${fn}: layer '${name}' (${String(layer.class_name)}) takes its input from [${from.join(", ")}], not from the layer before it: only functional models that are a chain of layers are supported`);
    }
  });
  return list;
}

/** The names of the layers an inbound_nodes entry reads (Keras 2 / TF.js lists, Keras 3 keras_history). */
function inboundNames(nodes: unknown): string[] {
  if (!Array.isArray(nodes)) return [];
  const names: string[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) {
      if (typeof x[0] === "string" && typeof x[1] === "number") names.push(x[0]);
      else x.forEach(visit);
    } else if (isObject(x)) {
      const history = isObject(x.config) ? x.config.keras_history : undefined;
      if (Array.isArray(history) && typeof history[0] === "string") names.push(history[0]);
      else Object.values(x).forEach(visit);
    }
  };
  visit(nodes);
  return names;
}

/** The per-sample input shape: the InputLayer's or the first layer's batch_input_shape. */
function declaredInput(layers: Json[]): Shape {
  const first = layers[0] as Json;
  const config = (isObject(first.config) ? first.config : {}) as Json;
  const s = config.batch_input_shape ?? config.batchInputShape ?? config.batch_shape;
  if (!Array.isArray(s) || s.length < 2 || !s.slice(1).every((d) => Number.isInteger(d) && (d as number) > 0)) {
    throw new RangeError(`loadTfjsModel: the first layer '${String(config.name)}' (${String(first.class_name)}) does not declare a fixed input shape (batch_input_shape [null, …]), got ${JSON.stringify(s)}`);
  }
  return s.slice(1) as number[];
}

interface WeightTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float64Array;
}

function concatBytes(weights: TfjsWeightData): Uint8Array {
  const view = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
    ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);
  if (!Array.isArray(weights)) return view(weights as ArrayBuffer | ArrayBufferView);
  const parts = (weights as readonly (ArrayBuffer | ArrayBufferView)[]).map(view);
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Every tensor of the weightsManifest, by name, decoded from the concatenated weight bytes. */
function readWeights(json: Json, weights: TfjsWeightData): Map<string, WeightTensor> {
  const fn = "loadTfjsModel";
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new TypeError(`${fn}: model.json has no weightsManifest list`);
  const bytes = concatBytes(weights);
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, WeightTensor>();
  let at = 0;
  for (const group of manifest) {
    if (!isObject(group) || !Array.isArray(group.weights)) throw new TypeError(`${fn}: each weightsManifest entry must have a weights list`);
    for (const w of group.weights) {
      if (!isObject(w) || typeof w.name !== "string" || !Array.isArray(w.shape)) throw new TypeError(`${fn}: a weightsManifest weight needs a name and a shape, got ${JSON.stringify(w)}`);
      const shape = w.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      const q = isObject(w.quantization) ? w.quantization : undefined;
      const dtype = q === undefined ? w.dtype : q.dtype;
      const width = dtype === "float32" || dtype === "int32" ? 4 : dtype === "uint16" ? 2 : dtype === "uint8" ? 1 : 0;
      if (width === 0 || (q !== undefined && (typeof q.scale !== "number" || typeof q.min !== "number"))) {
        throw new TypeError(`${fn}: weight '${w.name}' has dtype ${String(dtype)}${q === undefined ? "" : " (quantized)"}; supported: float32, int32, uint8/uint16 affine quantization`);
      }
      if (at + size * width > bytes.byteLength) {
        throw new RangeError(`${fn}: the weight files hold ${bytes.byteLength} bytes but weight '${w.name}' [${shape.join(", ")}] needs bytes ${at} to ${at + size * width}`);
      }
      const values = new Float64Array(size);
      for (let k = 0; k < size; k++) {
        const o = at + k * width;
        const raw = width === 1 ? data.getUint8(o) : width === 2 ? data.getUint16(o, true) : dtype === "int32" ? data.getInt32(o, true) : data.getFloat32(o, true);
        values[k] = q === undefined ? raw : raw * (q.scale as number) + (q.min as number);
      }
      at += size * width;
      const name = w.name.replace(/:0$/, "");
      out.set(name, { name, shape, values });
    }
  }
  return out;
}

/** The weight `local` (kernel, bias, …) of layer `layer`: named `layer/local`, possibly under scopes. */
function findWeight(where: string, tensors: Map<string, WeightTensor>, layer: string, local: string, shape: readonly number[]): WeightTensor {
  const exact = tensors.get(`${layer}/${local}`);
  const found = exact ?? [...tensors.values()].find((t) => t.name.endsWith(`/${layer}/${local}`));
  if (found === undefined) throw new RangeError(`${where}: the weightsManifest has no weight '${layer}/${local}'`);
  if (found.shape.length !== shape.length || found.shape.some((d, k) => d !== shape[k])) {
    throw new RangeError(`${where}: weight '${found.name}' has shape [${found.shape.join(", ")}], expected [${shape.join(", ")}]`);
  }
  return found;
}

function intPair(where: string, key: string, v: unknown, fallback?: [number, number]): [number, number] {
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  const p = typeof v === "number" ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isInteger(d) && d >= 1)) throw new RangeError(`${where}: ${key} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`);
  return [p[0] as number, p[1] as number];
}

function get(config: Json, key: string): unknown {
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return config[key] ?? config[camel];
}

function channelsLast(where: string, config: Json): void {
  const f = get(config, "data_format");
  if (f !== undefined && f !== null && f !== "channels_last") throw new RangeError(`${where}: data_format '${String(f)}' is not supported (channels_last only)`);
}

function padding(where: string, config: Json): "same" | "valid" {
  const p = get(config, "padding") ?? "valid";
  if (p !== "same" && p !== "valid") throw new RangeError(`${where}: padding '${String(p)}' is not supported ('same' or 'valid')`);
  return p;
}

/** The layer's activation; a softmax on the last layer is split off so that `logits` can leave it out. */
function activationOf(where: string, config: Json, last: boolean) {
  const a = get(config, "activation") ?? "linear";
  const name = typeof a === "string" ? a : isObject(a) ? String(a.class_name ?? a.config) : String(a);
  const f = activationNamed(where, name);
  const softmaxTail = last && name === "softmax";
  return { softmaxTail, activation: name, act: (y: Tensor, mode: "logits" | "outputs") => (softmaxTail && mode === "logits" ? y : f(y)) };
}

/** Reads one layer's config for an input of `input` per sample. */
function buildLayer(where: string, className: string, config: Json, input: Shape, last: boolean): Built {
  const none = { params: [] as const, softmaxTail: false };
  if (isIdentity(className)) return { ...none, outputShape: input, apply: (x) => x };
  if (className === "Flatten") {
    channelsLast(where, config);
    const size = input.reduce((a, b) => a * b, 1);
    return { ...none, outputShape: [size], apply: (x) => reshape(x, [x.shape[0] as number, size]) };
  }
  if (className === "Reshape") {
    const target = get(config, "target_shape");
    const size = input.reduce((a, b) => a * b, 1);
    if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && d > 0) || target.reduce((a: number, b: number) => a * b, 1) !== size) {
      throw new RangeError(`${where}: target_shape ${JSON.stringify(target)} does not hold the input's ${size} values [${input.join(", ")}]`);
    }
    const t = target as number[];
    return { ...none, outputShape: t, apply: (x) => reshape(x, [x.shape[0] as number, ...t]) };
  }
  if (className === "Activation") {
    const { softmaxTail, activation, act } = activationOf(where, config, last);
    return { params: [], softmaxTail, activation, outputShape: input, apply: (x, _p, mode) => act(x, mode) };
  }
  if (className === "Dense") {
    const units = get(config, "units");
    if (!Number.isInteger(units) || (units as number) < 1) throw new RangeError(`${where}: units must be a positive integer, got ${JSON.stringify(units)}`);
    const u = units as number;
    const d = input[input.length - 1] as number;
    const useBias = get(config, "use_bias") !== false;
    const { softmaxTail, activation, act } = activationOf(where, config, last);
    const outputShape = [...input.slice(0, -1), u];
    return {
      params: [["kernel", [d, u]], ...(useBias ? [["bias", [u]] as const] : [])],
      softmaxTail,
      activation,
      outputShape,
      apply: (x, p, mode) => {
        // Keras' Dense acts on the last axis: rows of every leading axis times W [d, units].
        const rows = x.size / d;
        let y = matmul(x.rank === 2 ? x : reshape(x, [rows, d]), p.kernel as Tensor);
        if (useBias) y = add(y, p.bias as Tensor);
        if (x.rank !== 2) y = reshape(y, [x.shape[0] as number, ...outputShape]);
        return act(y, mode);
      },
    };
  }
  if (className === "Conv2D") {
    channelsLast(where, config);
    if (input.length !== 3) throw new RangeError(`${where}: input must be [H, W, C] per sample, got shape ${shapeStr(input)}`);
    const filters = get(config, "filters");
    if (!Number.isInteger(filters) || (filters as number) < 1) throw new RangeError(`${where}: filters must be a positive integer, got ${JSON.stringify(filters)}`);
    const f = filters as number;
    const kernel = intPair(where, "kernel_size", get(config, "kernel_size"));
    const stride = intPair(where, "strides", get(config, "strides"), [1, 1]);
    const dilation = intPair(where, "dilation_rate", get(config, "dilation_rate"), [1, 1]);
    const groups = (get(config, "groups") as number | undefined) ?? 1;
    const c = input[2] as number;
    if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || f % groups !== 0) throw new RangeError(`${where}: groups ${groups} must divide the ${c} input channels and the ${f} filters`);
    const pad = padding(where, config);
    const w = resolveWindow(where, [1, ...input], kernel, stride, dilation, pad);
    const [oh, ow] = outputSize(where, w, input[0] as number, input[1] as number);
    const useBias = get(config, "use_bias") !== false;
    const { softmaxTail, activation, act } = activationOf(where, config, last);
    return {
      params: [["kernel", [kernel[0], kernel[1], c / groups, f]], ...(useBias ? [["bias", [f]] as const] : [])],
      softmaxTail,
      activation,
      outputShape: [oh, ow, f],
      apply: (x, p, mode) => {
        let y = conv2d(x, p.kernel as Tensor, { stride, dilation, padding: pad, groups });
        if (useBias) y = add(y, p.bias as Tensor);
        return act(y, mode);
      },
    };
  }
  if (className === "MaxPooling2D" || className === "AveragePooling2D") {
    channelsLast(where, config);
    if (input.length !== 3) throw new RangeError(`${where}: input must be [H, W, C] per sample, got shape ${shapeStr(input)}`);
    const size = intPair(where, "pool_size", get(config, "pool_size"), [2, 2]);
    const stride = intPair(where, "strides", get(config, "strides"), size);
    const pad = padding(where, config);
    const w = resolveWindow(where, [1, ...input], size, stride, [1, 1], pad);
    const [oh, ow] = outputSize(where, w, input[0] as number, input[1] as number);
    const pool = className === "MaxPooling2D" ? maxPool2d : avgPool2d;
    return { ...none, outputShape: [oh, ow, input[2] as number], apply: (x) => pool(x, size, { stride, padding: pad }) };
  }
  if (className === "BatchNormalization") {
    const axis = get(config, "axis");
    const ax = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis ?? -1;
    if (ax !== -1 && ax !== input.length) throw new RangeError(`${where}: axis ${JSON.stringify(axis)} is not supported (the last axis only)`);
    const c = input[input.length - 1] as number;
    const center = get(config, "center") !== false;
    const scale = get(config, "scale") !== false;
    const eps = (get(config, "epsilon") as number | undefined) ?? 1e-3;
    return {
      params: [...(scale ? [["gamma", [c]] as const] : []), ...(center ? [["beta", [c]] as const] : []), ["moving_mean", [c]], ["moving_variance", [c]]],
      softmaxTail: false,
      outputShape: input,
      apply: (x, p) => batchNorm(x, { mean: p.moving_mean as Tensor, variance: p.moving_variance as Tensor, gamma: p.gamma, beta: p.beta }, eps),
    };
  }
  throw new TypeError(`${where}: layer class '${className}' is not supported (supported: InputLayer, Dense, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Reshape, Dropout, Activation, BatchNormalization)`);
}
