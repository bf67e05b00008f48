import { setTimeout as sleep } from 'node:timers/promises';
import { errorToOneLine } from '@unet3d/core';
import { QuietnessMonitor } from '@unet3d/native';
import type { QuietVerdict } from './doctor-report.js';

/**
 * Whether the machine is quiet enough to measure: what other processes and steal took of the CPUs over
 * `seconds` while this process sleeps (the bench's own monitor and threshold, so the verdict is the one a
 * row would get).
 */
export async function quietSection(seconds = 2): Promise<QuietVerdict> {
  try {
    const monitor = await QuietnessMonitor.start({ pids: [process.pid], sampleMs: 500 });
    await sleep(seconds * 1000);
    const q = await monitor.stop();
    const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
    const during = q.during;
    const clock = during.clockMHz ? `, clock ${during.clockMHz.toFixed(0)} MHz` : '';
    const governor = during.governor ? `, governor ${during.governor}` : '';
    const figures = `other work ${pct(during.otherCpuShare)}, steal ${pct(during.stealShare)}, load average ${during.loadAverage1m.toFixed(2)}${clock}${governor}; threshold ${pct(q.thresholdShare)}`;
    return {
      quiet: !q.noisy,
      summary: q.noisy
        ? `no: ${q.reason} — a bench now would be marked noisy`
        : `yes over ${seconds} s (${figures})`,
      reading: q as unknown as Record<string, unknown>,
    };
  } catch (err) {
    return { quiet: null, summary: `not checked: ${errorToOneLine(err)}`, reading: null };
  }
}
