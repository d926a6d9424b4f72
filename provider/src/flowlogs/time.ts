/**
 * RFC 3339 timestamps as epoch milliseconds, without Date.parse's leniency (it accepts many non-RFC forms) and
 * without Date.UTC's mapping of years 0-99 to 1900-1999.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Epoch ms of a UTC date and time whose parts are already range-checked. */
export function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60000 + second * 1000;
}

/**
 * Epoch ms of an RFC 3339 date-time (`2021-11-23T20:29:59Z`, fractions and offsets allowed), or undefined. Leap
 * seconds (`:60`) are refused, as JavaScript dates cannot hold them.
 */
export function parseRfc3339(text: string): number | undefined {
  if (text.length > 40) return undefined;
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const hour = +m[4];
  const minute = +m[5];
  const second = +m[6];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let ms = utcMs(year, month, day, hour, minute, second);
  if (m[7]) ms += Math.floor(Number(`0${m[7]}`) * 1000);
  if (!m[8]) {
    const oh = +m[10];
    const om = +m[11];
    if (oh > 23 || om > 59) return undefined;
    const offset = (oh * 60 + om) * 60000;
    ms += m[9] === '+' ? -offset : offset;
  }
  return ms;
}

/** `2021-11-23T20:29:59Z` (whole seconds, UTC) for epoch ms of years 0-9999. */
export function formatRfc3339(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
