/** A `--wait` / `--timeout` value: whole seconds, min..3600 (an hour bounds any kickstart step). */
import { EXIT, OvsError, shown } from '../errors.js';

export const MAX_SECONDS = 3600;

export function seconds(value: unknown, option: string, min: number): number {
  const text = String(value).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > MAX_SECONDS) {
    throw new OvsError(EXIT.DATAERR, `${option} '${shown(String(value))}' is not a whole number of seconds between ${min} and ${MAX_SECONDS}`, { while: `reading ${option}` });
  }
  return n;
}
