import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_INFO_FILE, ENTRY_FILE } from './texts.js';

/** Refuse to empty a folder that does not look like an earlier bundle (a mistyped --out). */
export function prepareOutDir(outDir: string): void {
  if (existsSync(outDir)) {
    const entries = readdirSync(outDir);
    const ours = entries.length === 0 || entries.includes(BUILD_INFO_FILE) || entries.includes(ENTRY_FILE);
    if (!ours) {
      throw new Error(
        `refusing to replace ${outDir}: it exists and is not an unet3d bundle (no ${ENTRY_FILE})`,
      );
    }
    rmSync(outDir, { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
}

/** Files and bytes under `dir`. */
export function folderSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, ent.name);
    if (ent.isDirectory()) {
      const sub = folderSize(abs);
      files += sub.files;
      bytes += sub.bytes;
    } else if (ent.isFile()) {
      files += 1;
      bytes += statSync(abs).size;
    }
  }
  return { files, bytes };
}
