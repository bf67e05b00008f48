// Test hook (`node --import <this file>`): appends every module the process loads to the file named by
// UNET3D_RECORD_MODULES, one per line: ES modules as they are loaded (a module.register load hook), and the
// CommonJS module cache at exit (native addons such as koffi and resvg are loaded through require), and for each
// of those the file that required it (`<module> <= <parent>`).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.UNET3D_RECORD_MODULES;
if (out) {
  register('./record-loaded-modules-hooks.mjs', import.meta.url, { data: { out } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    appendFileSync(out, `${Object.keys(require.cache).join('\n')}\n`);
    // Who required each CommonJS module: lines `<module> <= <file that required it>`.
    const parents = Object.entries(require.cache)
      .filter(([, m]) => m?.parent?.filename)
      .map(([k, m]) => `${k} <= ${m.parent.filename}\n`);
    appendFileSync(out, parents.join(''));
  });
}
