// The facts of a first-light run, one line each, for summary.log: run by scripts/gpu-first-light.sh with the
// Node it unpacked (plain Node, no dependencies), as `node facts.mjs WORK` where WORK holds results/ and logs/.
//
//   verify <log>: <pass> worst rel <x> (<n> checks), ...           from the verify steps' `ok … [pass] rel` lines
//   results <file>: <device> (<identity slug>), <precision>, patch D×H×W
//   row <id>: <backend> <status>, median <ms> ms[, PyTorch <ms> ms, ours ÷ PyTorch <r>][, tunedTasks <n> (<k> of <m> configs tuned)]
//   row 4 ÷ row 3 (fp32): <backend> <ms> ms ÷ <backend> <ms> ms = <r>
//   tuning <file>: <n> trials (<ok> ok, <failed> failed[: <error name> ×<count>, ...])
//   facts-json {...}                                                 the same, as one JSON line
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const work = process.argv[2];
if (!work || !existsSync(work)) {
  console.log(`facts: no such folder ${work ?? '(none given)'}`);
  process.exit(0);
}
const results = join(work, 'results');

function filesUnder(dir, keep) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter(keep)
    .sort()
    .map((p) => join(dir, p));
}

const facts = { verify: [], runs: [], tuning: [] };

for (const log of filesUnder(join(work, 'logs'), (p) => /verify/.test(p) && p.endsWith('.log'))) {
  const worst = new Map();
  for (const m of readFileSync(log, 'utf8').matchAll(
    /\[(forward|backwardData|backwardFilter)\] rel ([0-9.e+-]+)/g,
  )) {
    const w = worst.get(m[1]) ?? { rel: 0, checks: 0 };
    worst.set(m[1], { rel: Math.max(w.rel, Number(m[2])), checks: w.checks + 1 });
  }
  if (worst.size === 0) continue;
  const passes = [...worst].map(([pass, w]) => ({ pass, worstRel: w.rel, checks: w.checks }));
  facts.verify.push({ log: relative(work, log), passes });
  const text = passes.map((p) => `${p.pass} worst rel ${p.worstRel.toExponential(2)} (${p.checks} checks)`);
  console.log(`verify ${relative(work, log)}: ${text.join(', ')}`);
}

const ms = (x) => (typeof x === 'number' ? x.toFixed(x < 10 ? 3 : 1) : '-');
for (const file of filesUnder(results, (p) => p.endsWith('.json') && !p.startsWith('tuning'))) {
  let run;
  try {
    run = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.log(`results ${relative(work, file)}: unreadable (${String(err).split('\n')[0]})`);
    continue;
  }
  const p = run.provenance ?? {};
  const device = p.device ?? {};
  const slug = relative(results, file).split('/')[0];
  console.log(
    `results ${relative(work, file)}: ${device.name ?? '?'} (${slug}), ${p.precision ?? '?'}, patch ${(p.patch ?? []).join('×')}`,
  );
  const rows = [];
  for (const r of run.rows ?? []) {
    const peerMs = r.peer?.medianMs;
    const configs = Object.values(r.backendDetails?.configs ?? {});
    const row = {
      id: r.id,
      backend: r.backend,
      status: r.status,
      medianMs: r.medianMs ?? null,
      peerMs: peerMs ?? null,
      oursOverPeer: typeof peerMs === 'number' && typeof r.medianMs === 'number' ? r.medianMs / peerMs : null,
      tunedTasks: r.backendDetails?.tunedTasks ?? null,
      configsTuned: configs.filter((c) => c?.source === 'history').length,
      configs: configs.length,
    };
    rows.push(row);
    let line = `row ${row.id}: ${row.backend} ${row.status}, median ${ms(row.medianMs)} ms`;
    if (row.peerMs !== null)
      line += `, PyTorch ${ms(row.peerMs)} ms, ours ÷ PyTorch ${row.oursOverPeer?.toFixed(2) ?? '-'}`;
    if (row.tunedTasks !== null)
      line += `, tunedTasks ${row.tunedTasks} (${row.configsTuned} of ${row.configs} configs tuned)`;
    if (r.status !== 'ok' && r.reason) line += ` — ${String(r.reason).split('\n')[0].slice(0, 200)}`;
    console.log(line);
  }
  facts.runs.push({
    file: relative(work, file),
    device: device.name ?? null,
    slug,
    precision: p.precision,
    rows,
  });
}

// Row 4 against row 3 (the tuned kernels against cuDNN, or their stand-ins), from whichever files hold them.
const rowOf = (id) =>
  facts.runs
    .filter((r) => r.precision === 'fp32')
    .flatMap((r) => r.rows)
    .find((r) => r.id === id && r.status === 'ok' && typeof r.medianMs === 'number');
const row4 = rowOf('scaled-tvm');
const row3 = rowOf('scaled-cudnn');
if (row4 && row3) {
  facts.row4OverRow3 = row4.medianMs / row3.medianMs;
  console.log(
    `row 4 ÷ row 3 (fp32): ${row4.backend} ${ms(row4.medianMs)} ms ÷ ${row3.backend} ${ms(row3.medianMs)} ms = ${facts.row4OverRow3.toFixed(2)}`,
  );
}

for (const log of filesUnder(
  join(results, 'tuning'),
  (p) => p.endsWith('.jsonl') && !p.endsWith('.best.jsonl'),
)) {
  const records = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return { error: -1, errorName: 'UNREADABLE_LINE' };
      }
    });
  const failed = records.filter((r) => r.error !== 0);
  const byName = new Map();
  for (const r of failed)
    byName.set(r.errorName ?? String(r.error), (byName.get(r.errorName ?? String(r.error)) ?? 0) + 1);
  const names = [...byName].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ×${c}`);
  const first = failed[0]?.errorMsg
    ? `; first: ${String(failed[0].errorMsg).split('\n')[0].slice(0, 160)}`
    : '';
  facts.tuning.push({ log: relative(work, log), trials: records.length, ok: records.length - failed.length });
  console.log(
    `tuning ${relative(work, log)}: ${records.length} trials (${records.length - failed.length} ok, ${failed.length} failed${names.length ? `: ${names.join(', ')}` : ''}${first})`,
  );
}
console.log(`facts-json ${JSON.stringify(facts)}`);
