import { ConfigError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { cudnnMathSetting } from './math-mode.js';

describe('cudnnMathSetting', () => {
  it('fp32 forbids tensor cores (CUDNN_FMA_MATH); tf32 allows them (CUDNN_DEFAULT_MATH)', () => {
    expect(cudnnMathSetting('fp32')).toEqual({ mathType: 3, allowTensorOps: false });
    expect(cudnnMathSetting('tf32')).toEqual({ mathType: 0, allowTensorOps: true });
  });
  it('refuses bf16 with a ConfigError', () => {
    expect(() => cudnnMathSetting('bf16')).toThrow(ConfigError);
    expect(() => cudnnMathSetting('bf16')).toThrow(/bf16/);
  });
});
