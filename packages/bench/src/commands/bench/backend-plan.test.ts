import { describe, expect, it } from 'vitest';
import { parseBackendsOption, selectRows } from './backend-plan.js';

describe('parseBackendsOption', () => {
  it('parses auto, a single backend and a mapping', () => {
    expect(parseBackendsOption('auto')).toEqual({
      kind: 'auto',
      candidates: { 'pytorch-cudnn': ['cudnn', 'onnxruntime'], tvm: ['tvm', 'tvm-cpu', 'onnxruntime'] },
    });
    expect(parseBackendsOption('onnxruntime')).toEqual({
      kind: 'explicit',
      candidates: { 'pytorch-cudnn': ['onnxruntime'], tvm: ['onnxruntime'] },
    });
    expect(parseBackendsOption('cudnn=cudnn,tvm=reference')).toEqual({
      kind: 'explicit',
      candidates: { 'pytorch-cudnn': ['cudnn'], tvm: ['reference'] },
    });
  });
  it('names bad values', () => {
    expect(() => parseBackendsOption('nope')).toThrow(/unknown backend 'nope'/);
    expect(() => parseBackendsOption('cudnn=cudnn')).toThrow(/both/);
    expect(() => parseBackendsOption('gpu=cudnn,tvm=tvm')).toThrow(/malformed/);
  });
});

describe('selectRows', () => {
  it('keeps Table 1 order by default and rejects unknown ids', () => {
    expect(selectRows(undefined).map((r) => r.paperRow)).toEqual([1, 2, 3, 4]);
    expect(selectRows(['scaled-tvm']).map((r) => r.model)).toEqual(['scaled']);
    expect(() => selectRows(['x'])).toThrow(/unknown row 'x'/);
  });
});
