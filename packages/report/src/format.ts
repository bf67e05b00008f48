/** Number formatting for the Markdown report: fixed decimals, '—' for unknown. */
export function fmt(value: number | null | undefined, decimals = 2, suffix = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(decimals)}${suffix}`;
}

/** Bytes as GiB/MiB. */
export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Escape a value for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** A FLOP rate with a readable unit: TFLOP/s from 1e12 up, GFLOP/s below (CPU peaks). */
export function flopRate(flopPerSecond: number): string {
  return flopPerSecond >= 1e12
    ? `${(flopPerSecond / 1e12).toFixed(1)} TFLOP/s`
    : `${(flopPerSecond / 1e9).toFixed(0)} GFLOP/s`;
}
