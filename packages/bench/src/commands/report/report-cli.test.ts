import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@unet3d/core';
import { flopsAnalytic } from '@unet3d/report';
import { sampleRun } from '@unet3d/report/testing';
import { describe, expect, it } from 'vitest';
import { reportDirFor, runReportCommand } from './run-report.js';

const analytic = flopsAnalytic();

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { analytic, out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('unet3d report', () => {
  it('reports the newest results file of each device folder, next to it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'unet3d-report-cli-'));
    await mkdir(join(root, 'cpu-x-2c'), { recursive: true });
    const run = sampleRun({ analytic, device: 'cpu', patch: [16, 32, 32], notRun: { 4: 'no GPU' } });
    await writeFile(join(root, 'cpu-x-2c', '2025-01-01T00-00-00.000Z.json'), '{ corrupt');
    await writeFile(join(root, 'cpu-x-2c', '2025-02-01T00-00-00.000Z.json'), JSON.stringify(run));
    const c = capture();
    expect(await runReportCommand({ files: [], results: root }, c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/report: .*cpu-x-2c\/report\/report\.md/);
    const names = await readdir(join(root, 'cpu-x-2c', 'report'));
    expect(names).toContain('report.md');
    expect(names).toContain('roofline.png');
  });

  it('fails with one line per bad file, and says how to get results when there are none', async () => {
    const root = await mkdtemp(join(tmpdir(), 'unet3d-report-cli-'));
    const c = capture();
    expect(await runReportCommand({ files: [join(root, 'nope.json')], results: root }, c.io)).toBe(1);
    expect(c.err).toEqual([expect.stringMatching(/^unet3d: error: results file not found/)]);
    await expect(runReportCommand({ files: [], results: root }, c.io)).rejects.toThrow(ConfigError);
  });

  it('places reports', () => {
    expect(reportDirFor('results/dev/t.json', undefined, false)).toBe(join('results/dev', 'report'));
    expect(reportDirFor('results/dev/t.json', 'out', false)).toBe('out');
    expect(reportDirFor('results/dev/t.json', 'out', true)).toBe(join('out', 'dev'));
  });
});
