/**
 * The O2CB settings `ovs cluster-configure` writes (ovs-cluster-configure(8)): the driver enabled, the
 * o2cb stack, the boot cluster, and the four timeouts — each the value given on the command
 * line, else the value the file already holds, else the default. An empty value (the init
 * script's own `configure` bug, docs/tools.md) becomes the default it stood for. The file
 * is edited in place (comments, quotes and unknown lines kept), or created from the
 * template `/etc/init.d/o2cb configure` writes.
 */
import { EXIT, OvsError, shown } from '../errors.js';
import {
  editO2cbSettings,
  newO2cbSettingsFile,
  O2CB_DEFAULTS,
  O2CB_MINIMUMS,
  parseO2cbSettings,
  validateO2cbSettings,
  type O2cbValues,
} from '../formats/o2cb-settings.js';
import type { O2cbSettingsFile } from './settings-file.js';

export type TimeoutKey = keyof typeof O2CB_MINIMUMS;
export type TimeoutOptions = Partial<Record<TimeoutKey, number>>;

/** Command-line option of each timeout, for messages. */
export const TIMEOUT_OPTIONS: Record<TimeoutKey, string> = {
  O2CB_HEARTBEAT_THRESHOLD: '--heartbeat-threshold',
  O2CB_IDLE_TIMEOUT_MS: '--idle-timeout-ms',
  O2CB_KEEPALIVE_DELAY_MS: '--keepalive-delay-ms',
  O2CB_RECONNECT_DELAY_MS: '--reconnect-delay-ms',
};

const WHY: Record<TimeoutKey, string> = {
  O2CB_HEARTBEAT_THRESHOLD: 'threshold = heartbeat timeout in seconds / 2 + 1; the default 31 is 60 s, 61 is 120 s',
  O2CB_IDLE_TIMEOUT_MS: 'the default is 30000 ms; every server of the pool needs the same value',
  O2CB_KEEPALIVE_DELAY_MS: 'the default is 2000 ms; every server of the pool needs the same value',
  O2CB_RECONNECT_DELAY_MS: 'the default is 2000 ms; every server of the pool needs the same value',
};

/** A timeout option's value: a whole number at or above the init script's minimum (else 65). */
export function parseTimeout(key: TimeoutKey, raw: string): number {
  const option = TIMEOUT_OPTIONS[key];
  const min = O2CB_MINIMUMS[key];
  if (!/^\d{1,9}$/.test(raw)) throw new OvsError(EXIT.DATAERR, `${option} '${shown(raw)}' is not a whole number`, { while: `reading ${option}`, hint: WHY[key] });
  const n = Number(raw);
  if (n < min) throw new OvsError(EXIT.DATAERR, `${option} ${n} is below the minimum of ${min}`, { while: `reading ${option}`, hint: WHY[key] });
  return n;
}

/** The values to write: the option, else the file's (when valid), else the default. */
export function settingsValues(file: O2cbSettingsFile, clusterName: string, timeouts: TimeoutOptions): O2cbValues {
  const current = file.text === undefined ? {} : parseO2cbSettings(file.text);
  const values: O2cbValues = { O2CB_ENABLED: 'true', O2CB_STACK: 'o2cb', O2CB_BOOTCLUSTER: clusterName };
  for (const key of Object.keys(O2CB_MINIMUMS) as TimeoutKey[]) {
    const given = timeouts[key];
    const held = current[key];
    if (given !== undefined) values[key] = String(given);
    else if (held !== undefined && held !== '') values[key] = held;
    else values[key] = O2CB_DEFAULTS[key];
  }
  const [problem] = validateO2cbSettings(values);
  if (problem) {
    const option = TIMEOUT_OPTIONS[problem.key as TimeoutKey];
    throw new OvsError(EXIT.OSFILE, `${file.path}: ${problem.message}`, {
      while: `reading ${file.path}`,
      hint: option ? `give the value to use: ${option} N (${WHY[problem.key as TimeoutKey]})` : `fix ${problem.key} in ${file.path}`,
    });
  }
  return values;
}

export function o2cbSettingsText(file: O2cbSettingsFile, clusterName: string, timeouts: TimeoutOptions): string {
  const values = settingsValues(file, clusterName, timeouts);
  return file.text === undefined ? newO2cbSettingsFile(values) : editO2cbSettings(file.text, values);
}
