/**
 * `pnpm bundle [--out DIR] [--minify] [--sourcemap]`: build the offline bundle of the unet3d CLI
 * (default dist-bundle/unet3d/). See scripts/bundle/src/bundle.ts.
 */
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildBundle } from './bundle.js';
import { writeNodeXz } from './node-xz.js';

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
      gpu: { type: 'boolean', default: false },
      'node-xz': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: pnpm bundle [--out DIR] [--minify] [--sourcemap] [--gpu [--node-xz]]\n' +
        '  Bundle the unet3d CLI and its native modules (linux-x64) into one folder that runs with only node.\n' +
        '  --out DIR     the folder to (re)create (default dist-bundle/unet3d)\n' +
        '  --minify      minify the JavaScript\n' +
        '  --sourcemap   write unet3d.mjs.map beside it\n' +
        '  --gpu         the GPU bundle: no onnxruntime (CPU backend), packed as DIR.tar.xz (<= 20 MB);\n' +
        '                default DIR dist-bundle/unet3d-gpu\n' +
        '  --node-xz     with --gpu: also write node.xz (this node binary, xz) beside DIR.tar.xz\n',
    );
    return 0;
  }
  const r = await buildBundle({
    repoRoot,
    ...(values.out ? { outDir: resolve(process.cwd(), values.out) } : {}),
    minify: values.minify,
    sourcemap: values.sourcemap,
    gpu: values.gpu,
    log: (line) => process.stderr.write(`bundle: ${line}\n`),
  });
  for (const w of r.warnings) process.stderr.write(`bundle: warning: ${w}\n`);
  if (r.archive) {
    let nodeLine = '';
    if (values['node-xz']) {
      const nodeXz = writeNodeXz(dirname(r.archive.path));
      nodeLine = `, ${relative(process.cwd(), nodeXz.path)} ${mb(nodeXz.bytes)} (node ${process.version})`;
    }
    process.stdout.write(
      `${relative(process.cwd(), r.archive.path)}: ${mb(r.archive.bytes)}${nodeLine}\n` +
        'on the GPU node: scripts/gpu-first-light.sh OUT unpacks and runs them (scripts/first-light/README.md); by hand: ' +
        `tar -xJf ${basename(r.archive.path)} && xz -dc node.xz > node && chmod +x node && ` +
        `./node ${basename(r.outDir)}/unet3d.mjs verify --device-ops\n`,
    );
    return 0;
  }
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
