import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cli = ['--conditions=@unet3d/source', '--import', 'tsx', 'packages/bench/src/bin.ts'];

async function unet3d(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [...cli, ...args], { cwd: repoRoot }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

describe('unet3d conventions (spawned)', () => {
  it('--version prints the version in @unet3d/bench package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const r = await unet3d(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('a typo in a choice names the typo and the choices, in one prefixed line', async () => {
    const r = await unet3d(['flops', '--model', 'scaledd']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "unet3d: error: option '--model <name>' argument 'scaledd' is invalid. Allowed choices are baseline, " +
        'strided, scaled. (see unet3d flops --help)\n',
    );
  });

  it('an unknown option and an unknown command get the same prefix', async () => {
    const option = await unet3d(['flops', '--model', 'scaled', '--bogus']);
    expect([option.code, option.stderr]).toEqual([
      1,
      "unet3d: error: unknown option '--bogus' (see unet3d flops --help)\n",
    ]);
    const command = await unet3d(['flopz']);
    expect(command.code).toBe(1);
    expect(command.stderr).toBe(
      "unet3d: error: unknown command 'flopz' (Did you mean flops?) (see unet3d --help)\n",
    );
    expect(command.stderr.split('\n')).toHaveLength(2);
  });
});
