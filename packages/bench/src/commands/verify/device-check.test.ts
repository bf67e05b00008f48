import type { Device, DeviceOps } from '@unet3d/core';
import { CpuDevice } from '@unet3d/cpu';
import { describe, expect, it } from 'vitest';
import { checkDeviceOps, DEVICE_OP_CASES, formatDeviceCheck, normwiseRelativeError } from './device-check.js';

const ALL_OPS = 15; // the ops of DeviceOps in @unet3d/core device.ts, counted by hand

describe('normwiseRelativeError', () => {
  it('is max|diff| / max|ref|, by hand', () => {
    expect(normwiseRelativeError([1, 2.5, -4], [1, 2, -4])).toBeCloseTo(0.5 / 4, 15);
    expect(normwiseRelativeError([0, 0], [0, 0])).toBe(0);
    expect(normwiseRelativeError([1e-9], [0])).toBe(Number.POSITIVE_INFINITY);
    expect(normwiseRelativeError([Number.NaN], [1])).toBeNaN();
    expect(normwiseRelativeError([1], [1, 2])).toBeNaN();
  });
});

describe('checkDeviceOps on two real CPU devices', () => {
  it('float32 device vs the float64 device: every op within 1e-4, but not bit-identical', () => {
    const f32 = new CpuDevice({ precision: 'float32', poolBytes: 0 });
    const f64 = new CpuDevice({ precision: 'float64' });
    const report = checkDeviceOps(f32, f64, { seed: 3 });
    expect(Object.keys(DEVICE_OP_CASES)).toHaveLength(ALL_OPS);
    expect(new Set(report.checks.map((c) => c.op)).size).toBe(ALL_OPS);
    expect(report.pass).toBe(true);
    // float32 rounding is visible (> 1e-9) yet far below the tolerance.
    expect(report.worst.maxRelError).toBeGreaterThan(1e-9);
    expect(report.worst.maxRelError).toBeLessThan(1e-5);
    expect(formatDeviceCheck(report)).toMatch(/^ok: \d+ outputs of 15 device ops/);
    // Everything each case allocated was freed.
    expect(f32.memoryStats().currentBytes).toBe(0);
    expect(f64.memoryStats().currentBytes).toBe(0);
  });

  it('finds a wrong op and names it as the worst; an op that throws is a failure, not a crash', () => {
    const cpu = new CpuDevice();
    const ops: DeviceOps = Object.create(cpu.ops) as DeviceOps;
    // ELU with alpha off by 1 % (error path double): |Δ| = 0.01·|exp(x) − 1| on negative inputs.
    ops.elu = (x, alpha) => cpu.ops.elu(x, alpha * 1.01);
    ops.biasGrad = () => {
      throw new Error('kernel launch failed\nsecond line');
    };
    const broken: Device = Object.assign(Object.create(cpu) as Device, { ops, name: 'broken' });
    const report = checkDeviceOps(broken, new CpuDevice({ precision: 'float64' }), {
      ops: ['elu', 'biasGrad', 'add'],
    });
    expect(report.pass).toBe(false);
    const elu = report.checks.find((c) => c.op === 'elu')!;
    expect(elu.pass).toBe(false);
    expect(elu.maxRelError).toBeGreaterThan(1e-3);
    expect(elu.maxRelError).toBeLessThan(1e-2);
    expect(report.worst.op).toBe('biasGrad');
    expect(report.worst.output).toBe('threw: kernel launch failed');
    expect(report.checks.find((c) => c.op === 'add')!.pass).toBe(true);
    expect(formatDeviceCheck(report)).toMatch(/FAIL elu\.y: relative error/);
  });

  it('refuses a shape pooling cannot halve', () => {
    const cpu = new CpuDevice();
    expect(() => checkDeviceOps(cpu, cpu, { shape: [1, 2, 3, 4, 4] })).toThrow(/even D, H, W/);
  });
});
