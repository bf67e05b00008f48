import { describe, expect, it } from 'vitest';
import { ALGO_PERF_BYTES } from '../cudnn/algo-perf.js';
import { CUDNN_PROTOTYPES } from '../cudnn/cudnn-api.js';
import { getKoffi } from '../library/koffi.js';
import { NVRTC_PROTOTYPES } from '../nvrtc/nvrtc-api.js';
import { DRIVER_PROTOTYPES } from './driver-api.js';

describe('C prototypes given to koffi', () => {
  const koffi = getKoffi();
  const all = [...DRIVER_PROTOTYPES, ...NVRTC_PROTOTYPES, ...CUDNN_PROTOTYPES];
  it.each(all.flatMap(([, protos]) => protos.map((p) => [p])))('parses: %s', (proto) => {
    const t = koffi.proto(proto);
    expect(t.proto?.arguments.length).toBeGreaterThanOrEqual(0);
  });

  it('bind cuLaunchKernel with 11 arguments and the versioned names CUDA 12/13 export', () => {
    const launch = DRIVER_PROTOTYPES.find(([n]) => n === 'cuLaunchKernel')![1][0]!;
    expect(
      koffi.proto(launch.replace('cuLaunchKernel(', 'cuLaunchKernel_arity(')).proto?.arguments.length,
    ).toBe(11);
    const names = DRIVER_PROTOTYPES.flatMap(([, p]) => p.map((s) => /(\w+)\(/.exec(s)![1]));
    for (const v2 of [
      'cuMemAlloc_v2',
      'cuMemFree_v2',
      'cuMemcpyHtoDAsync_v2',
      'cuStreamDestroy_v2',
      'cuEventElapsedTime_v2',
    ]) {
      expect(names).toContain(v2);
    }
  });

  it('the algo-perf struct layout matches what koffi computes for the C struct', () => {
    const perf = koffi.struct({
      algo: 'int',
      status: 'int',
      time: 'float',
      memory: 'size_t',
      determinism: 'int',
      mathType: 'int',
      reserved: koffi.array('int', 3),
    });
    expect(koffi.sizeof(perf)).toBe(ALGO_PERF_BYTES);
    expect(koffi.offsetof(perf, 'memory')).toBe(16);
    expect(koffi.offsetof(perf, 'mathType')).toBe(28);
  });
});
