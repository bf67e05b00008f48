import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeviceError } from '@unet3d/core';

/**
 * The measure workers: each an entry point of its own, started as a child process (ChildWorkerPool) by the
 * measurer of its target. A bundler that bundles only the CLI's entry must emit each of these too, beside
 * the bundle's entry file, named `<name>.mjs` (scripts/bundle does; its test checks this list).
 */
export const MEASURE_WORKERS = {
  'cpu-measure-child': 'targets/cpu/cpu-measure-child.ts',
  'cuda-measure-child': 'targets/cuda/cuda-measure-child.ts',
} as const;

export type MeasureWorkerName = keyof typeof MEASURE_WORKERS;

/**
 * The file to start the measure worker `name` from, found beside the module at `callerUrl` (its
 * `import.meta.url`), in each of the three layouts this code runs in:
 *   - from source (`….ts`): `<name>.ts` beside it, run through tsx;
 *   - built (`dist/…/….js`): `<name>.js` beside it;
 *   - bundled (the caller is the bundle's `unet3d.mjs`, so its URL is the bundle's): `<name>.mjs` beside the
 *     bundle, emitted by the bundler as an entry point of its own.
 * Throws a one-line DeviceError naming the file when it is not there (a bundle built without its workers):
 * otherwise every trial would fail on a worker that cannot start.
 */
export function measureWorkerPath(name: MeasureWorkerName, callerUrl: string): string {
  const ext = callerUrl.endsWith('.ts') ? 'ts' : callerUrl.endsWith('.mjs') ? 'mjs' : 'js';
  const file = fileURLToPath(new URL(`./${name}.${ext}`, callerUrl));
  if (!existsSync(file)) {
    throw new DeviceError(
      `the measure worker ${file} is missing`,
      ext === 'mjs'
        ? 'rebuild the bundle with `pnpm bundle` (it emits the measure workers beside unet3d.mjs)'
        : 'reinstall @unet3d/backend-tvm (its build emits the worker beside the measurer)',
    );
  }
  return file;
}
