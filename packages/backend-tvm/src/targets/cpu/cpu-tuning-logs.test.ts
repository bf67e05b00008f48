import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorToOneLine } from '@unet3d/core';
import { detectCpuFeatures } from '@unet3d/native';
import { cpuIdentityFromSlug } from '@unet3d/results';
import { afterAll, describe, expect, it } from 'vitest';
import { tvmCpuOptionsFromExtra } from '../../tvm-cpu-backend.js';
import {
  cpuTuningDir,
  cpuTuningFolders,
  nearestCpuWithLogs,
  tuningFolderIdentity,
  tuningFromLogs,
  tuningLogsOf,
} from './cpu-tuning-logs.js';

const root = mkdtempSync(join(tmpdir(), 'tvm-cpu-logs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const logIn = (slug: string, name = 'scaled-fp32.jsonl'): string => {
  mkdirSync(cpuTuningDir(root, slug), { recursive: true });
  const p = join(cpuTuningDir(root, slug), name);
  writeFileSync(p, '');
  return p;
};

describe('tuning logs belong to a device identity', () => {
  const zen4 = logIn('cpu-amd-zen4-avx512-2c');
  const legacy = logIn('cpu-amd-epyc-2c');
  logIn('cpu-amd-epyc-2c', 'scaled-fp32.best.jsonl');
  logIn('cpu-intel-skylakex-avx512-2c');
  mkdirSync(join(root, 'tuning', 'nvidia-h100-80gb-hbm3'), { recursive: true });
  writeFileSync(join(root, 'tuning', 'nvidia-h100-80gb-hbm3', 'scaled-fp32.jsonl'), '');

  it('a folder named after a model name is a legacy identity: its vendor, unknown ISA and microarchitecture', () => {
    expect(tuningFolderIdentity('cpu-amd-epyc-2c')).toMatchObject({
      vendor: 'amd',
      isa: 'none',
      microarch: null,
      cores: 2,
    });
    expect(tuningFolderIdentity('cpu-amd-zen4-avx512-2c')).toEqual(
      cpuIdentityFromSlug('cpu-amd-zen4-avx512-2c'),
    );
    expect(tuningFolderIdentity('nvidia-h100-80gb-hbm3')).toBeUndefined();
    expect(cpuTuningFolders(root).map((f) => f.slug)).toEqual([
      'cpu-amd-epyc-2c',
      'cpu-amd-zen4-avx512-2c',
      'cpu-intel-skylakex-avx512-2c',
    ]);
    expect(tuningLogsOf(root, 'cpu-amd-epyc-2c')).toEqual([legacy]);
  });

  it('the nearest identity: same vendor and ISA family first; a legacy folder is far', () => {
    const zen3 = cpuIdentityFromSlug('cpu-amd-zen3-avx2-2c')!;
    const zen5 = cpuIdentityFromSlug('cpu-amd-zen5-avx512-2c')!;
    // Zen 3: AMD AVX-512 (ISA includes AVX2: +30, microarch +10) beats Intel (+100) and the legacy (+1000).
    expect(nearestCpuWithLogs(root, zen3)?.slug).toBe('cpu-amd-zen4-avx512-2c');
    expect(nearestCpuWithLogs(root, zen3)?.logs).toEqual([zen4]);
    expect(nearestCpuWithLogs(root, zen3)?.distance).toBe(40);
    expect(nearestCpuWithLogs(root, zen5)?.slug).toBe('cpu-amd-zen4-avx512-2c');
    // Itself excluded unless asked for.
    const zen4id = cpuIdentityFromSlug('cpu-amd-zen4-avx512-2c')!;
    expect(nearestCpuWithLogs(root, zen4id)?.slug).toBe('cpu-intel-skylakex-avx512-2c');
    expect(nearestCpuWithLogs(root, zen4id, { includeSelf: true })?.slug).toBe('cpu-amd-zen4-avx512-2c');
  });

  it("the backend applies only this identity's logs, or the one named by tuningFrom", () => {
    // Another root: this identity with one core more, and a legacy folder. Neither is this CPU's.
    const here = detectCpuFeatures().slug;
    const other = mkdtempSync(join(tmpdir(), 'tvm-cpu-logs-'));
    try {
      for (const slug of [
        here.replace(/-(\d+)c$/, (_m, n: string) => `-${Number(n) + 1}c`),
        'cpu-amd-epyc-2c',
      ]) {
        mkdirSync(cpuTuningDir(other, slug), { recursive: true });
        writeFileSync(join(cpuTuningDir(other, slug), 'scaled-fp32.jsonl'), '');
      }
      expect(tvmCpuOptionsFromExtra({ results: other })).toEqual({ tuningLogs: [] });
      mkdirSync(cpuTuningDir(other, here), { recursive: true });
      writeFileSync(join(cpuTuningDir(other, here), 'b.jsonl'), '');
      writeFileSync(join(cpuTuningDir(other, here), 'a.jsonl'), '');
      expect(tvmCpuOptionsFromExtra({ results: other })).toEqual({
        tuningLogs: [join(cpuTuningDir(other, here), 'a.jsonl'), join(cpuTuningDir(other, here), 'b.jsonl')],
      });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    expect(tvmCpuOptionsFromExtra({ results: root, tuningFrom: 'cpu-amd-epyc-2c' })).toEqual({
      tuningLogs: [legacy],
      tuningFrom: 'cpu-amd-epyc-2c',
    });
    expect(tuningFromLogs(root, 'cpu-amd-zen4-avx512-2c')).toEqual([zen4]);
    let line = '';
    try {
      tuningFromLogs(root, 'cpu-amd-zen9-avx512-2c');
    } catch (err) {
      line = errorToOneLine(err);
    }
    expect(line).toBe(
      `--tuning-from cpu-amd-zen9-avx512-2c: no tuning log in ${cpuTuningDir(root, 'cpu-amd-zen9-avx512-2c')} (name one of: cpu-amd-epyc-2c, cpu-amd-zen4-avx512-2c, cpu-intel-skylakex-avx512-2c)`,
    );
  });
});
