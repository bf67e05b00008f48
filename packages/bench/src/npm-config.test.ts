import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe("the checkout's .npmrc", () => {
  it('holds only keys npm knows: npm and npx run here print no "Unknown project config" warning', async () => {
    const { stdout, stderr } = await run('npm', ['config', 'get', 'engine-strict'], {
      cwd: repoRoot,
      // Without the npm_config_* variables a runner (pnpm, turbo) exports: only the checkout's .npmrc is read.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k))),
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe('true');
    expect(stderr).not.toMatch(/Unknown project config/);
  }, 90_000);
});
