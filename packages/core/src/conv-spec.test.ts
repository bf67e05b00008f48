import { describe, expect, it } from 'vitest';
import { convOutputSpatial, convSpec } from './conv-spec.js';
import { convOutputShape, convWeightShape, convWorkload, convWorkloadKey } from './conv-workload.js';
import { ShapeError } from './errors.js';
import { shape5d } from './shape.js';

describe('convOutputSpatial', () => {
  it('keeps size with same padding', () => {
    expect(convOutputSpatial(convSpec({ kernel: 3, padding: 'same' }), [7, 9, 11])).toEqual([7, 9, 11]);
    expect(convOutputSpatial(convSpec({ kernel: [1, 5, 5], padding: 'same' }), [4, 10, 10])).toEqual([
      4, 10, 10,
    ]);
  });
  it('halves in-plane with stride (1,2,2)', () => {
    const s = convSpec({ kernel: [1, 5, 5], stride: [1, 2, 2], padding: [0, 2, 2] });
    expect(convOutputSpatial(s, [64, 128, 128])).toEqual([64, 64, 64]);
    expect(convOutputSpatial(s, [3, 7, 9])).toEqual([3, 4, 5]);
  });
  it('transposed k = s = (1,2,2) doubles in-plane', () => {
    const s = convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true });
    expect(convOutputSpatial(s, [64, 64, 64])).toEqual([64, 128, 128]);
  });
  it('transposed with output padding and dilation', () => {
    const s = convSpec({ kernel: 3, stride: 2, padding: 1, outputPadding: 1, transposed: true });
    expect(convOutputSpatial(s, [4, 5, 6])).toEqual([8, 10, 12]);
    const d = convSpec({ kernel: 3, dilation: 2 });
    expect(convOutputSpatial(d, [5, 6, 7])).toEqual([1, 2, 3]);
  });
  it('rejects impossible shapes with named errors', () => {
    expect(() => convOutputSpatial(convSpec({ kernel: 5 }), [3, 8, 8])).toThrow(ShapeError);
    expect(() => convOutputSpatial(convSpec({ kernel: 5 }), [3, 8, 8])).toThrow(/axis z/);
    expect(() => convOutputSpatial(convSpec({ kernel: 1 }), [0, 8, 8])).toThrow(/positive integer/);
    expect(() => convSpec({ kernel: 2, padding: 'same' })).toThrow(/odd kernels/);
    expect(() => convSpec({ kernel: 0 })).toThrow(/kernel/);
    expect(() => convSpec({ kernel: 3, outputPadding: 1 })).toThrow(/transposed/);
    expect(() => convSpec({ kernel: 3, stride: 2, outputPadding: 2, transposed: true })).toThrow(/smaller/);
    expect(() => convSpec({ kernel: 3, padding: -1 })).toThrow(/padding/);
    expect(() => shape5d(1, 0, 4, 4, 4)).toThrow(/channels/);
  });
});

describe('convWorkload', () => {
  it('derives output and weight shapes (PyTorch layouts)', () => {
    const w = convWorkload([2, 3, 4, 6, 6], 5, convSpec({ kernel: 3, padding: 'same' }));
    expect(convOutputShape(w)).toEqual([2, 5, 4, 6, 6]);
    expect(convWeightShape(w)).toEqual([5, 3, 3, 3, 3]);
    const t = convWorkload(
      [1, 24, 2, 4, 4],
      12,
      convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true }),
    );
    expect(convOutputShape(t)).toEqual([1, 12, 2, 8, 8]);
    expect(convWeightShape(t)).toEqual([24, 12, 1, 2, 2]);
    expect(convWorkloadKey(t)).toBe('convT_in1x24x2x4x4_out12_k1x2x2_s1x2x2_p0x0x0_d1x1x1_op0x0x0');
  });
  it('rejects a non-positive channel count', () => {
    expect(() => convWorkload([1, 3, 4, 4, 4], 0, convSpec({ kernel: 1 }))).toThrow(/output channels/);
  });
});
