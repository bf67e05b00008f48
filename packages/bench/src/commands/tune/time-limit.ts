import { ConfigError } from '@unet3d/core';

/** Parse a duration like `10m`, `90s`, `1h`, `1h30m` or a bare number of seconds; milliseconds. */
export function parseTimeLimit(value: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)\s*(h|m|s)/gy;
  let ms = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    ms += Number(m[1]) * (m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : 1000);
    at = re.lastIndex;
  }
  if (at !== text.length || at === 0 || !(ms > 0)) {
    throw new ConfigError(
      `--time-limit: cannot read '${value}'`,
      'give a duration such as 10m, 90s or 1h30m',
    );
  }
  return ms;
}
