/**
 * `pnpm bundle [--out DIR] [--minify] [--sourcemap]`: build the offline bundle of the unet3d CLI
 * (default dist-bundle/unet3d/). See scripts/bundle/src/bundle.ts.
 */
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildBundle } from './bundle.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      out: { type: 'string', short: 'o' },
      minify: { type: 'boolean', default: false },
      sourcemap: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: pnpm bundle [--out DIR] [--minify] [--sourcemap]\n' +
        '  Bundle the unet3d CLI and its native modules (linux-x64) into one folder that runs with only node.\n' +
        '  --out DIR     the folder to (re)create (default dist-bundle/unet3d)\n' +
        '  --minify      minify the JavaScript\n' +
        '  --sourcemap   write unet3d.mjs.map beside it\n',
    );
    return 0;
  }
  const r = await buildBundle({
    repoRoot,
    ...(values.out ? { outDir: resolve(process.cwd(), values.out) } : {}),
    minify: values.minify,
    sourcemap: values.sourcemap,
    log: (line) => process.stderr.write(`bundle: ${line}\n`),
  });
  for (const w of r.warnings) process.stderr.write(`bundle: warning: ${w}\n`);
  const where = relative(process.cwd(), r.outDir) || '.';
  process.stdout.write(
    `${where}: ${r.files} files, ${mb(r.totalBytes)} (unet3d.mjs ${mb(r.entryBytes)}; ` +
      `${r.packages.map((p) => `${p.name} ${mb(p.bytes)}`).join(', ')})\n` +
      `copy the folder to the GPU node and run ${where}/unet3d bench (needs only node >= 20)\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bundle: error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
