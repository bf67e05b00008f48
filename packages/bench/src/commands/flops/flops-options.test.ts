import { ConfigError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { parseFlopsOptions, parsePositiveIntList } from './flops-options.js';

describe('parseFlopsOptions', () => {
  it('fills defaults', () => {
    expect(parseFlopsOptions({ model: 'baseline' })).toEqual({
      model: 'baseline',
      input: [64, 128, 128],
      batch: 1,
      channels: undefined,
      device: 'titan-x-pascal',
      precision: 'fp32',
      json: false,
    });
  });
  it('parses every option', () => {
    const o = parseFlopsOptions({
      model: 'scaled',
      input: '16, 32,32',
      batch: '3',
      channels: '2,3,4,5,6',
      device: 'h100-sxm',
      precision: 'tf32',
      json: true,
    });
    expect(o).toMatchObject({ input: [16, 32, 32], batch: 3, channels: [2, 3, 4, 5, 6], precision: 'tf32' });
  });
  it('names the bad value and what is allowed', () => {
    const bad: [Parameters<typeof parseFlopsOptions>[0], RegExp, RegExp][] = [
      [{ model: 'unet' }, /unknown model 'unet'/, /baseline, strided, scaled/],
      [{}, /missing --model/, /allowed models/],
      [{ model: 'baseline', input: '64,x,128' }, /'x' is not an integer/, /64,128,128/],
      [{ model: 'baseline', input: '0,128,128' }, /0 is not positive/, /positive integers/],
      [{ model: 'baseline', input: '64,128' }, /has 2 sizes/, /D,H,W/],
      [{ model: 'baseline', channels: '24,x' }, /'x' is not an integer/, /24,32,48,72,104/],
      [{ model: 'baseline', batch: '1.5' }, /--batch '1.5'/, /whole number/],
      [{ model: 'baseline', batch: '0' }, /--batch '0'/, /whole number/],
      [{ model: 'baseline', precision: 'fp8' }, /unknown precision 'fp8'/, /fp32, tf32, fp16-bf16/],
    ];
    for (const [raw, message, hint] of bad) {
      let err: unknown;
      try {
        parseFlopsOptions(raw);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(raw)).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toMatch(message);
      expect((err as ConfigError).hint).toMatch(hint);
    }
  });
  it('parsePositiveIntList trims and keeps order', () => {
    expect(parsePositiveIntList(' 1, 2,3 ', '--x', '1,2')).toEqual([1, 2, 3]);
  });
});
