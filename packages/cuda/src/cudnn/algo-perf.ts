/**
 * cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t share one layout (LP64):
 *   int algo @0; int status @4; float time @8; (pad) size_t memory @16; int determinism @24;
 *   int mathType @28; int reserved[3] @32..44; padded to 48 bytes.
 */
export const ALGO_PERF_BYTES = 48;

export interface AlgoPerf {
  readonly algo: number;
  readonly status: number;
  readonly timeMs: number;
  readonly memoryBytes: number;
  readonly deterministic: boolean;
  readonly mathType: number;
}

export function decodeAlgoPerfs(buf: Uint8Array, count: number): AlgoPerf[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: AlgoPerf[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * ALGO_PERF_BYTES;
    if (o + ALGO_PERF_BYTES > buf.byteLength) break;
    out.push({
      algo: view.getInt32(o, true),
      status: view.getInt32(o + 4, true),
      timeMs: view.getFloat32(o + 8, true),
      memoryBytes: Number(view.getBigUint64(o + 16, true)),
      deterministic: view.getInt32(o + 24, true) === 1,
      mathType: view.getInt32(o + 28, true),
    });
  }
  return out;
}

/**
 * The fastest usable result (cuDNN returns them fastest first): status success, and for `fp32` no
 * tensor-core math (CUDNN_TENSOR_OP_MATH = 1, ..._ALLOW_CONVERSION = 2).
 */
export function chooseAlgo(perfs: readonly AlgoPerf[], allowTensorOps: boolean): AlgoPerf | undefined {
  return perfs.find(
    (p) => p.status === 0 && p.timeMs >= 0 && (allowTensorOps || (p.mathType !== 1 && p.mathType !== 2)),
  );
}
