// Display formatting only: sizes and dates as a maintainer reads them.

/** Bytes as "2.3 MB" (decimal units, as file managers and nuget.org show them). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return "—";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** An RFC 3339 UTC time as "2023-03-08 09:12 UTC"; the text as given when it does not parse. */
export function formatTime(value: string | null | undefined): string {
  if (!value) return "—";
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
  return match ? `${match[1]} ${match[2]} UTC` : value;
}

/** "A, B and C". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * A NuGet version range in words: "[4.3.0, )" and a bare "4.3.0" as "4.3.0 or later",
 * "[1.0.0]" as "exactly 1.0.0", "[1.0, 2.0)" as "1.0 or later, before 2.0". Text that is
 * not interval notation comes back as it is.
 */
export function describeRange(range: string | null | undefined): string {
  const text = (range ?? "").trim();
  if (!text) return "any version";
  const m = /^([[(])\s*([^,\s]*)\s*(?:(,)\s*([^\s\])]*)\s*)?([\])])$/.exec(text);
  if (!m) return /^[0-9A-Za-z.+-]+$/.test(text) ? `${text} or later` : text;
  const [, open, min, comma, max, close] = m;
  if (!comma) return min && open === "[" && close === "]" ? `exactly ${min}` : text;
  const low = min ? (open === "[" ? `${min} or later` : `later than ${min}`) : "";
  const high = max ? (close === "]" ? `up to ${max}` : `before ${max}`) : "";
  if (low && high) return `${low}, ${high}`;
  if (low) return low;
  if (high) return close === "]" ? `${max} or earlier` : `earlier than ${max}`;
  return "any version";
}
