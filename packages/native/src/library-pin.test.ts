import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { findCompiler } from './compiler.js';
import { loadLibrary, pinLibrary } from './library.js';

function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'Linux only (/proc/self/maps)';
  try {
    findCompiler();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
const skip = unavailable();
const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'unet3d-pin-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A forced full garbage collection, without starting node with --expose-gc. */
function forceGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const mapped = (file: string): boolean => readFileSync('/proc/self/maps', 'utf8').includes(file);

function build(name: string): string {
  const so = path.join(dir, name);
  writeFileSync(path.join(dir, `${name}.c`), 'int pin_answer(void) { return 7; }\n');
  execFileSync(findCompiler().path, ['-shared', '-fPIC', '-o', so, path.join(dir, `${name}.c`)]);
  return so;
}

describe.skipIf(skip !== undefined)(`pinLibrary${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('keeps a library mapped after a full GC, where a dropped loadLibrary handle is unloaded', async () => {
    const gc = forceGc();
    const pinnedSo = build('libunet3dpinned.so');
    const droppedSo = build('libunet3ddropped.so');
    expect(pinLibrary(pinnedSo)).toBe(true);
    // The control: the same kind of load whose handle nobody keeps.
    ((): void => {
      loadLibrary(droppedSo);
    })();
    expect(mapped(pinnedSo)).toBe(true);
    expect(mapped(droppedSo)).toBe(true);
    for (let i = 0; i < 5 && mapped(droppedSo); i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(mapped(droppedSo)).toBe(false);
    expect(mapped(pinnedSo)).toBe(true);
    expect(pinLibrary(pinnedSo)).toBe(true);
    expect(pinLibrary(path.join(dir, 'libnot-there.so'))).toBe(false);
  }, 60_000);
});
