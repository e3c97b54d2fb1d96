/**
 * Small ONNX models built in tests with onnx-proto: a graph whose output is a known constant
 * (plus 0 × max(input), so the input is really consumed), written to a file for onnxruntime.
 */
import fs from 'node:fs';
import p from 'onnx-proto';

const { onnx } = p;

/** Encodes a model whose single output `outputName` always equals `values` shaped `outputDims`. */
export function constantOutputModel(o: { inputName: string; inputDims: number[]; outputName: string; outputDims: number[]; values: ArrayLike<number> }): Uint8Array {
  const size = o.outputDims.reduce((a, b) => a * b, 1);
  if (o.values.length !== size) throw new Error(`values has ${o.values.length} numbers, output needs ${size}`);
  const tensor = (name: string, dims: number[], data: ArrayLike<number>) => onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(data) });
  const valueInfo = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({ name, type: onnx.TypeProto.create({ tensorType: onnx.TypeProto.Tensor.create({ elemType: onnx.TensorProto.DataType.FLOAT, shape: onnx.TensorShapeProto.create({ dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d })) }) }) }) });
  const graph = onnx.GraphProto.create({
    name: 'constant',
    node: [
      onnx.NodeProto.create({ opType: 'ReduceMax', input: [o.inputName], output: ['m'], attribute: [onnx.AttributeProto.create({ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 })] }),
      onnx.NodeProto.create({ opType: 'Mul', input: ['m', 'zero'], output: ['z'] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['values', 'z'], output: [o.outputName] }),
    ],
    initializer: [tensor('values', o.outputDims, o.values), tensor('zero', [], [0])],
    input: [valueInfo(o.inputName, o.inputDims)],
    output: [valueInfo(o.outputName, o.outputDims)],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, producerName: 'yzg-test', opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })], graph });
  return onnx.ModelProto.encode(model).finish();
}

/** Writes `bytes` to `file` and returns the path. */
export function writeModel(file: string, bytes: Uint8Array): string {
  fs.writeFileSync(file, bytes);
  return file;
}
