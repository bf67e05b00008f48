import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Why the end-to-end bundle tests cannot run here, or undefined when they can. */
async function esbuildUnavailable(): Promise<string | undefined> {
  try {
    const esbuild = await import('esbuild');
    await esbuild.transform('let x: number = 1', { loader: 'ts' });
    return undefined;
  } catch (err) {
    return `esbuild cannot run here: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** Set when the bundle cannot be built and run here (not linux-x64, or esbuild does not run). */
export const bundleSkipReason: string | undefined =
  process.platform === 'linux' && process.arch === 'x64'
    ? await esbuildUnavailable()
    : 'the bundle is linux-x64 only';
