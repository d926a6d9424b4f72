/**
 * COS bucket naming, checked before a name touches storage (moto's rule: names first): 3-63 characters of lowercase
 * letters, digits, dots and hyphens, alphanumeric at both ends, no `..`, `.-` or `-.`, not an IP address. A name
 * that passes is one path segment, never `.` or `..`, so a bucket is always a folder inside COS's own.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || /\.\.|\.-|-\./.test(name) || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
    return `${shown} is not a valid bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address`;
  }
  return undefined;
}
