/**
 * ONNX export of the city-events detector, built operator by operator with onnx-proto (there is
 * no TensorFlow.js → ONNX converter on the registry): the fixed colour stem, the trained head as
 * 1×1 convolutions (feature standardisation folded into the first), and the YOLOv8 decoding
 * (sigmoid offsets + grid, exp sizes × anchor, sigmoid scores) to [1, 4 + C, N] in input pixels.
 * The stem alone is exported too: training computes its features with onnxruntime.
 */
import p from 'onnx-proto';
import {
  ANCHOR_PX,
  CELLS,
  CONTEXT_WINDOWS,
  DESCRIPTOR,
  FEATURES,
  GRID_H,
  GRID_W,
  INPUT_H,
  INPUT_W,
  OFFSET_RANGE_CELLS,
  OUTPUTS,
  PALETTE,
  PALETTE_SIGMA2,
  PIXEL_CHANNELS,
  STRIDE,
  paletteRgb,
  type HeadWeights,
} from './model.ts';

const { onnx } = p;
type Node = ReturnType<typeof onnx.NodeProto.create>;
type Tensor = ReturnType<typeof onnx.TensorProto.create>;
type Attr = ReturnType<typeof onnx.AttributeProto.create>;

const ints = (name: string, v: number[]): Attr => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
const int = (name: string, v: number): Attr => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
const floatT = (name: string, dims: number[], data: ArrayLike<number>): Tensor => onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(data) });
const int64T = (name: string, dims: number[], data: number[]): Tensor => onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: data });
const node = (opType: string, input: string[], output: string[], attribute: Attr[] = []): Node => onnx.NodeProto.create({ opType, input, output, attribute, name: output[0] });
const valueInfo = (name: string, dims: number[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({ elemType: onnx.TensorProto.DataType.FLOAT, shape: onnx.TensorShapeProto.create({ dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d })) }) }),
    }),
  });

/** A [3, 3, …kernel] weight applying `kernel` to each colour channel on its own. */
function perChannel(kernel: number[]): number[] {
  const out: number[] = [];
  for (let o = 0; o < 3; o++) for (let i = 0; i < 3; i++) out.push(...kernel.map((v) => (o === i ? v : 0)));
  return out;
}

interface Graph {
  nodes: Node[];
  inits: Tensor[];
}

/** The stem: `images` [1,3,H,W] (0–1 RGB) → `features` [1, FEATURES, GRID_H, GRID_W]. */
function stem(g: Graph): string {
  const input = DESCRIPTOR.input.name;
  const K = PALETTE.length;
  const rgb = PALETTE.map(paletteRgb);
  // ‖x − c‖² = Σx² − 2 x·c + ‖c‖², membership = exp(−‖x − c‖² / σ²)
  g.inits.push(
    floatT('pal_w', [K, 3, 1, 1], rgb.flatMap((c) => c.map((v) => -2 * v))),
    floatT('pal_b', [K], rgb.map((c) => c[0] ** 2 + c[1] ** 2 + c[2] ** 2)),
    floatT('ones_w', [K, 3, 1, 1], new Array<number>(K * 3).fill(1)),
    floatT('neg_inv_sigma2', [], [-1 / PALETTE_SIGMA2]),
    floatT('dx_w', [3, 3, 1, 2], perChannel([-1, 1])),
    floatT('dy_w', [3, 3, 2, 1], perChannel([-1, 1])),
    floatT('lap_w', [3, 3, 3, 3], perChannel([0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => (k === 4 ? 1 : 0) - 1 / 9))),
  );
  g.nodes.push(
    node('Mul', [input, input], ['sq']),
    node('Conv', [input, 'pal_w', 'pal_b'], ['dot'], [ints('kernel_shape', [1, 1])]),
    node('Conv', ['sq', 'ones_w'], ['sqsum'], [ints('kernel_shape', [1, 1])]),
    node('Add', ['dot', 'sqsum'], ['d2']),
    node('Mul', ['d2', 'neg_inv_sigma2'], ['logm']),
    node('Exp', ['logm'], ['memb']),
    // texture: colour edges |∂x| + |∂y| and dots |x − mean₃ₓ₃(x)| per channel (garbage and debris are speckled)
    node('Conv', [input, 'dx_w'], ['dx'], [ints('kernel_shape', [1, 2]), ints('pads', [0, 0, 0, 1])]),
    node('Conv', [input, 'dy_w'], ['dy'], [ints('kernel_shape', [2, 1]), ints('pads', [0, 0, 1, 0])]),
    node('Abs', ['dx'], ['adx']),
    node('Abs', ['dy'], ['ady']),
    node('Add', ['adx', 'ady'], ['edges']),
    node('Conv', [input, 'lap_w'], ['lap'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]),
    node('Abs', ['lap'], ['dots']),
    node('Concat', ['memb', input, 'sq', 'edges', 'dots'], ['pix'], [int('axis', 1)]),
    node('AveragePool', ['pix'], ['p4'], [ints('kernel_shape', [4, 4]), ints('strides', [4, 4])]),
    node('SpaceToDepth', ['p4'], ['quads'], [int('blocksize', 2)]),
    node('AveragePool', ['p4'], ['p8'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
  );
  const parts = ['quads'];
  for (const [kh, kw] of CONTEXT_WINDOWS) {
    const name = `ctx_${kh}x${kw}`;
    const ph = (kh - 1) / 2;
    const pw = (kw - 1) / 2;
    g.nodes.push(node('AveragePool', ['p8'], [name], [ints('kernel_shape', [kh, kw]), ints('strides', [1, 1]), ints('pads', [ph, pw, ph, pw]), int('count_include_pad', 1)]));
    parts.push(name);
  }
  g.nodes.push(node('Concat', parts, ['features'], [int('axis', 1)]));
  if (PIXEL_CHANNELS * (4 + CONTEXT_WINDOWS.length) !== FEATURES) throw new Error('feature count mismatch');
  return 'features';
}

/** The head as 1×1 convolutions with the standardisation folded into the first layer. */
function head(g: Graph, from: string, w: HeadWeights): string {
  let x = from;
  w.layers.forEach((l, k) => {
    const inp = l.w.length;
    const out = l.b.length;
    const wt = new Float32Array(out * inp);
    const b = Float64Array.from(l.b);
    for (let o = 0; o < out; o++)
      for (let i = 0; i < inp; i++) {
        const std = k === 0 ? w.featStd[i]! : 1;
        const mean = k === 0 ? w.featMean[i]! : 0;
        wt[o * inp + i] = l.w[i]![o]! / std;
        b[o] = b[o]! - (l.w[i]![o]! * mean) / std;
      }
    g.inits.push(floatT(`head${k}_w`, [out, inp, 1, 1], wt), floatT(`head${k}_b`, [out], b));
    const y = `head${k}`;
    g.nodes.push(node('Conv', [x, `head${k}_w`, `head${k}_b`], [y], [ints('kernel_shape', [1, 1])]));
    x = y;
    if (k < w.layers.length - 1) {
      g.nodes.push(node('Relu', [y], [`${y}_relu`]));
      x = `${y}_relu`;
    }
  });
  return x;
}

/** Decoding to YOLOv8 [1, 4 + C, N]: out = σ(z)·A + e^(z·m)·E + B with per-row constants. */
function decode(g: Graph, from: string): string {
  const A = new Float32Array(OUTPUTS * CELLS);
  const E = new Float32Array(OUTPUTS * CELLS);
  const B = new Float32Array(OUTPUTS * CELLS);
  const M = new Float32Array(OUTPUTS * CELLS);
  const span = 2 * OFFSET_RANGE_CELLS * STRIDE;
  for (let n = 0; n < CELLS; n++) {
    const gx = n % GRID_W;
    const gy = Math.floor(n / GRID_W);
    A[n] = span;
    B[n] = (gx + 0.5 - OFFSET_RANGE_CELLS) * STRIDE;
    A[CELLS + n] = span;
    B[CELLS + n] = (gy + 0.5 - OFFSET_RANGE_CELLS) * STRIDE;
    for (const r of [2, 3]) {
      M[r * CELLS + n] = 1;
      E[r * CELLS + n] = ANCHOR_PX;
    }
    for (let r = 4; r < OUTPUTS; r++) A[r * CELLS + n] = 1;
  }
  g.inits.push(int64T('flat_shape', [3], [1, OUTPUTS, CELLS]), floatT('dec_a', [1, OUTPUTS, CELLS], A), floatT('dec_e', [1, OUTPUTS, CELLS], E), floatT('dec_b', [1, OUTPUTS, CELLS], B), floatT('dec_m', [1, OUTPUTS, CELLS], M));
  g.nodes.push(
    node('Reshape', [from, 'flat_shape'], ['z']),
    node('Sigmoid', ['z'], ['zs']),
    node('Mul', ['zs', 'dec_a'], ['za']),
    node('Mul', ['z', 'dec_m'], ['zm']),
    node('Exp', ['zm'], ['ze']),
    node('Mul', ['ze', 'dec_e'], ['zee']),
    node('Add', ['za', 'zee'], ['zsum']),
    node('Add', ['zsum', 'dec_b'], [DESCRIPTOR.output.name]),
  );
  return DESCRIPTOR.output.name;
}

function encode(g: Graph, output: string, outputDims: number[], name: string, input: [string, number[]] = [DESCRIPTOR.input.name, [1, 3, INPUT_H, INPUT_W]]): Uint8Array {
  const graph = onnx.GraphProto.create({
    name,
    node: g.nodes,
    initializer: g.inits,
    input: [valueInfo(input[0], input[1])],
    output: [valueInfo(output, outputDims)],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, producerName: 'yzg-detector-training', opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })], graph });
  return onnx.ModelProto.encode(model).finish();
}

/** The stem alone: `images` → `features` [1, FEATURES, GRID_H, GRID_W]. */
export function stemOnnx(): Uint8Array {
  const g: Graph = { nodes: [], inits: [] };
  const out = stem(g);
  return encode(g, out, [1, FEATURES, GRID_H, GRID_W], 'yzg-city-events-stem');
}

/** The whole detector with trained head weights: `images` → `output0` [1, 4 + C, N]. */
export function detectorOnnx(w: HeadWeights): Uint8Array {
  const g: Graph = { nodes: [], inits: [] };
  const out = decode(g, head(g, stem(g), w));
  return encode(g, out, [1, OUTPUTS, CELLS], 'yzg-city-events');
}

/** The head and decoding alone, fed with stem features (for the tfjs ↔ ONNX equivalence check). */
export function headOnnx(w: HeadWeights): Uint8Array {
  const g: Graph = { nodes: [], inits: [] };
  const out = decode(g, head(g, 'features', w));
  return encode(g, out, [1, OUTPUTS, CELLS], 'yzg-city-events-head', ['features', [1, FEATURES, GRID_H, GRID_W]]);
}
