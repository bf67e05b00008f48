import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));

/** Every non-test TypeScript source file under packages/<name>/src. */
function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) {
        if (ent.name !== 'node_modules') walk(p);
      } else if (ent.name.endsWith('.ts') && !ent.name.endsWith('.test.ts')) out.push(p);
    }
  };
  for (const pkg of readdirSync(packagesDir)) {
    const src = join(packagesDir, pkg, 'src');
    try {
      walk(src);
    } catch {
      /* a package without src/ */
    }
  }
  return out;
}

/**
 * `import(x)` with anything but a string literal: the offline bundler (esbuild) cannot see what it loads, so
 * the bundle lacks it and the import fails there only ("Cannot find module"), as `tune` once failed to find
 * @unet3d/cuda in the bundle. The one allowed: backends.ts's fallback behind its table of literal imports.
 */
const COMPUTED_IMPORT = /(?<![\w.$])import\(\s*(?!['"`])/g;
const ALLOWED = new Set(['bench/src/backends.ts']);

describe('every dynamic import in the packages is one a bundler can see', () => {
  it('no import() of a computed specifier outside the allowed fallback', () => {
    const files = sources();
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of files) {
      const rel = relative(packagesDir, file).split('\\').join('/');
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(COMPUTED_IMPORT)) {
        const line = text.slice(0, m.index).split('\n').length;
        const lineText = text.split('\n')[line - 1]!.trim();
        if (lineText.startsWith('*') || lineText.startsWith('//')) continue; // a comment about import()
        if (!ALLOWED.has(rel)) found.push(`${rel}:${line}: ${lineText}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the check itself finds a computed import (the form tune used)', () => {
    const text = "const spec = '@unet3d/cuda';\nconst cuda = await import(spec);\n";
    expect([...text.matchAll(COMPUTED_IMPORT)]).toHaveLength(1);
    expect([..."await import('@unet3d/cuda')".matchAll(COMPUTED_IMPORT)]).toHaveLength(0);
  });
});
