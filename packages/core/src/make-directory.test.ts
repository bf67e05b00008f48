import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError } from './errors.js';
import { makeDirectory, makeDirectorySync } from './make-directory.js';

const dir = mkdtempSync(join(tmpdir(), 'unet3d-mkdir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makeDirectory', () => {
  it('creates missing parents and accepts an existing folder', async () => {
    await makeDirectory(join(dir, 'a', 'b', 'c'));
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    await makeDirectory(join(dir, 'a', 'b'));
    makeDirectorySync(join(dir, 's', 't'));
    expect(statSync(join(dir, 's', 't')).isDirectory()).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')(
    'a folder under /proc is an error naming it, not a hang (Node’s recursive mkdir loops there)',
    async () => {
      const err = await makeDirectory('/proc/unet3d-nope/report').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataFileError);
      expect((err as Error).message).toBe(
        'cannot create folder /proc/unet3d-nope/report: ENOENT at /proc/unet3d-nope',
      );
      expect(() => makeDirectorySync('/proc/unet3d-nope')).toThrow(
        /cannot create folder \/proc\/unet3d-nope: ENOENT/,
      );
    },
    10_000,
  );

  it('a file in the way is an error', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    await expect(makeDirectory(join(dir, 'file', 'sub'))).rejects.toThrow(
      /cannot create folder .*file\/sub: ENOTDIR/,
    );
    await expect(makeDirectory(join(dir, 'file'))).rejects.toThrow(/a file is in the way/);
  });
});
