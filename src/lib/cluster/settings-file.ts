/**
 * Where this system keeps its O2CB settings and what they say: `/etc/sysconfig/o2cb` or
 * `/etc/default/o2cb`, chosen exactly as `/etc/init.d/o2cb` chooses (docs/tools.md), read
 * through ctx.fs so --root and --dry-run see the image and the plan.
 */
import type { Context } from '../command.js';
import { exists, readOptional } from '../files.js';
import { DEFAULT_O2CB, SYSCONFIG_O2CB, effectiveO2cbSettings, o2cbSettingsPath, parseO2cbSettings, type O2cbKey } from '../formats/o2cb-settings.js';

export async function locateO2cbSettings(ctx: Context): Promise<string> {
  const present = new Set<string>();
  for (const p of [SYSCONFIG_O2CB, DEFAULT_O2CB, '/etc/sysconfig']) if (await exists(ctx.fs, p)) present.add(p);
  return o2cbSettingsPath((p) => present.has(p));
}

export interface O2cbSettingsFile {
  path: string;
  /** The file's text; undefined when it does not exist yet. */
  text?: string;
  /** The values in force (defaults filled in). */
  effective: Record<O2cbKey, string>;
}

export async function readO2cbSettingsFile(ctx: Context): Promise<O2cbSettingsFile> {
  const path = await locateO2cbSettings(ctx);
  const text = await readOptional(ctx.fs, path);
  const effective = effectiveO2cbSettings(text === undefined ? {} : parseO2cbSettings(text));
  return text === undefined ? { path, effective } : { path, text, effective };
}
