import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError } from './errors.js';
import { writeFileAtomic } from './write-file-atomic.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'unet3d-atomic-'));
}

describe('writeFileAtomic', () => {
  it('writes the whole file, creates the folder, and leaves no temp file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'sub', 'a.json');
    await writeFileAtomic(path, '{"x":1}\n');
    expect(await readFile(path, 'utf8')).toBe('{"x":1}\n');
    expect(await readdir(join(dir, 'sub'))).toEqual(['a.json']);
  });

  it('replaces by default, with bytes as well as text', async () => {
    const dir = await tempDir();
    const path = join(dir, 'b.bin');
    await writeFile(path, 'old');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['b.bin']);
  });

  it("with overwrite 'never' keeps an existing file byte for byte and says so in one line", async () => {
    const dir = await tempDir();
    const path = join(dir, 'c.json');
    await writeFile(path, 'precious');
    const err = await writeFileAtomic(path, 'new', { overwrite: 'never' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect((err as DataFileError).message).toMatch(/refusing to overwrite existing file/);
    expect(await readFile(path, 'utf8')).toBe('precious');
    expect(await readdir(dir)).toEqual(['c.json']);
    await writeFileAtomic(join(dir, 'd.json'), 'fresh', { overwrite: 'never' });
    expect(await readFile(join(dir, 'd.json'), 'utf8')).toBe('fresh');
  });

  it('fails with a DataFileError naming the path when the folder cannot be made', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    const err = await writeFileAtomic(join(dir, 'file', 'e.json'), 'y').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect((err as Error).message).toMatch(/cannot write .*e\.json/);
  });
});
