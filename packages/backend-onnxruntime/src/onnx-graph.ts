import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX opset the generated graphs use (Slice/Pad/ReduceSum take their parameters as inputs). */
export const ONNX_OPSET = 17;

export type AttributeValue = number | string | readonly number[];

/**
 * A tiny builder for the float32 graphs this backend generates: named inputs, int64 constants, nodes,
 * one output. Encoding goes through onnx-proto (the compiled ONNX protobuf schema).
 */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** A float32 graph input of a fixed shape; returns its name. */
  input(name: string, shape: readonly number[]): string {
    this.inputs.push(valueInfo(name, shape));
    return name;
  }

  /** An int64 1-D constant (shapes, axes, pads...), shared when repeated. */
  ints(values: readonly number[]): string {
    const key = values.join(',');
    const known = this.constants.get(key);
    if (known) return known;
    const name = `c${this.constants.size}`;
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(raw.buffer),
    });
    this.constants.set(key, name);
    return name;
  }

  /** Add a node; returns the name of its (single) output. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    const output = `t${this.counter++}`;
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [output],
      name: `${opType}_${this.counter}`,
      attribute: Object.entries(attributes).map(([name, v]) => attribute(name, v)),
    });
    return output;
  }

  // Shorthands for the ops used everywhere.
  reshape(x: string, shape: readonly number[]): string {
    return this.op('Reshape', [x, this.ints(shape)]);
  }
  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm });
  }
  /** Slice on `axes` (steps default 1; negative steps allowed). */
  slice(
    x: string,
    axes: readonly number[],
    starts: readonly number[],
    ends: readonly number[],
    steps?: readonly number[],
  ): string {
    const ins = [x, this.ints(starts), this.ints(ends), this.ints(axes)];
    if (steps) ins.push(this.ints(steps));
    return this.op('Slice', ins);
  }
  /** Zero padding, `pads` = [begin per axis..., end per axis...] over all axes. */
  pad(x: string, pads: readonly number[]): string {
    return pads.every((p) => p === 0) ? x : this.op('Pad', [x, this.ints(pads)]);
  }

  /** Encode the model with `output` (of `shape`) as its only output. */
  build(output: string, shape: readonly number[]): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: '@unet3d/backend-onnxruntime',
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: {
        name: 'conv',
        node: this.nodes,
        input: this.inputs,
        initializer: this.initializers,
        output: [valueInfo(output, shape)],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, shape: readonly number[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((d) => ({ dimValue: d })) },
      },
    },
  };
}

function attribute(name: string, v: AttributeValue): onnxProto.onnx.IAttributeProto {
  if (typeof v === 'number') return { name, type: onnx.AttributeProto.AttributeType.INT, i: v };
  if (typeof v === 'string') {
    return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(v) };
  }
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...v] };
}
