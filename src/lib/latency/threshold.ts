/**
 * The O2CB_HEARTBEAT_THRESHOLD the budget is computed from: --heartbeat-threshold, else the
 * value this server's O2CB settings hold, else the init script's default (31, i.e. 60 s).
 */
import type { Context } from '../command.js';
import { readO2cbSettingsFile } from '../cluster/settings-file.js';
import { parseTimeout } from '../cluster/settings.js';
import { O2CB_MINIMUMS } from '../formats/o2cb-settings.js';
import { DEFAULT_THRESHOLD } from './budget.js';

export interface Threshold {
  value: number;
  from: string;
}

export async function heartbeatThreshold(ctx: Context, option?: number): Promise<Threshold> {
  if (option !== undefined) return { value: option, from: '--heartbeat-threshold' };
  const file = await readO2cbSettingsFile(ctx);
  const raw = file.effective.O2CB_HEARTBEAT_THRESHOLD;
  const valid = /^\d{1,9}$/.test(raw) && Number(raw) >= O2CB_MINIMUMS.O2CB_HEARTBEAT_THRESHOLD;
  if (file.text === undefined || !valid) return { value: DEFAULT_THRESHOLD, from: 'default' };
  return { value: Number(raw), from: file.path };
}

export const parseThresholdOption = (raw: string): number => parseTimeout('O2CB_HEARTBEAT_THRESHOLD', raw);
