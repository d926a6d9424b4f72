/** Small wording helpers for findings and reports. */

const PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp' };

/** `tcp`, `udp`, or `protocol 47`. */
export function protocolName(protocol: number): string {
  return PROTOCOLS[protocol] ?? `protocol ${protocol}`;
}

/** Sorted distinct numbers as ranges: `20-25, 80, 443`. At most `limit` items, then `… (N more)`. */
export function numberRanges(values: readonly number[], limit = 12): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.length > limit ? `${parts.slice(0, limit).join(', ')} … (${parts.length - limit} more)` : parts.join(', ');
}

/** `5 min`, `90 s`, `2 h`. */
export function duration(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
