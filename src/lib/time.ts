/**
 * A time as ISO 8601 in UTC (what the journal, the lock, the plan file and run ids record).
 * Not Date.prototype.toISOString: its first call in a process costs about 0.8 ms here (V8
 * loads the time zone, /etc/localtime, for a UTC string), a measured part of start-up
 * (docs/design.md). Same text for years 0-9999; toISOString itself outside them.
 */
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

export function isoUtc(d: Date, withMilliseconds = true): string {
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return withMilliseconds ? d.toISOString() : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ms = withMilliseconds ? `.${String(d.getUTCMilliseconds()).padStart(3, '0')}` : '';
  return `${String(year).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${ms}Z`;
}
