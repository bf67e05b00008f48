import type { DoctorReport } from './doctor-report.js';

const fmt = (v: number | null, digits = 1): string => (v === null ? '-' : v.toFixed(digits));

/** The doctor's report as aligned text lines (pure). */
export function renderDoctor(r: DoctorReport): string {
  const lines: [string, string][] = [
    ['identity', `${r.identity.slug}: ${r.identity.description}`],
    ['cpu', `${r.identity.modelName} (features from ${r.identity.source})`],
    [
      'isa',
      r.identity.override
        ? `${r.identity.override} (UNET3D_CPU_FEATURES; the hardware has ${r.identity.hardwareIsa})`
        : r.identity.hardwareIsa,
    ],
    [
      'kernels',
      `${r.kernels.vectorWidthFp32} fp32 lanes, ${r.kernels.registers} SIMD registers; ${r.kernels.flags.join(' ')}${r.kernels.resolvedTarget ? ` (-march=native is ${r.kernels.resolvedTarget})` : ''}`,
    ],
    [
      'compiler',
      r.kernels.compiler
        ? `${r.kernels.compiler}${r.kernels.openmp ? ', OpenMP' : ', no OpenMP (one thread)'}`
        : `none: ${r.kernels.problem}`,
    ],
    [
      'roofs',
      r.roofs.problem
        ? `not measured: ${r.roofs.problem}`
        : `fp32 peak ${fmt(r.roofs.peakFp32GflopPerSecond)} GFLOP/s (FMA loop, ${r.roofs.threads} threads), copy ${fmt(r.roofs.copyGBPerSecond)} GB/s`,
    ],
    ['row 4 log', r.tuning.summary],
    ['gpu', r.gpu.usable ? `usable: ${r.gpu.detail}` : `not usable: ${r.gpu.detail}`],
    ['quiet', r.quiet.summary],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  return `${lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
