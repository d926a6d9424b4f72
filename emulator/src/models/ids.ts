import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Identifiers shaped like IBM's: regional resources carry the region's `rNNN-` prefix, zonal ones the zone's
 * `NNNN-` prefix (instances `NNNN_`), followed by a UUID. Topology ids are derived from names, so one topology file
 * always yields the same ids; collector ids are random, as the service's are.
 */
const REGION_PREFIX: Record<string, string> = {
  'us-south': 'r006',
  'us-east': 'r014',
  'eu-de': 'r010',
  'eu-gb': 'r018',
  'jp-tok': 'r022',
  'au-syd': 'r026',
  'jp-osa': 'r034',
  'ca-tor': 'r038',
  'br-sao': 'r042',
  'eu-es': 'r050',
  'ca-mon': 'r052',
  'in-che': 'r054',
};

export function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function regionPrefix(region: string): string {
  return REGION_PREFIX[region] ?? `r${(parseInt(createHash('sha256').update(region).digest('hex').slice(0, 4), 16) % 900 + 100).toString()}`;
}

/** `us-south-2` → `0727`: IBM's zone prefixes for us-south; other regions get a stable stand-in. */
export function zonePrefix(zone: string): string {
  const m = /-(\d+)$/.exec(zone);
  const n = m ? Number(m[1]) : 1;
  if (zone.startsWith('us-south-')) return `07${n}7`;
  const base = parseInt(createHash('sha256').update(zone.replace(/-\d+$/, '')).digest('hex').slice(0, 2), 16) % 90 + 10;
  return `0${base}${n}`;
}

export function regionalId(region: string, seed?: string): string {
  return `${regionPrefix(region)}-${seed === undefined ? randomUUID() : uuidFrom(seed)}`;
}

export function zonalId(zone: string, seed: string, separator: '-' | '_' = '-'): string {
  return `${zonePrefix(zone)}${separator}${uuidFrom(seed)}`;
}

/** A plain id without prefix (resource groups, accounts): 32 hex characters. */
export function hexId(seed?: string): string {
  return seed === undefined ? randomBytes(16).toString('hex') : createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

/**
 * A base64url secret that never starts with '-': users pass these keys as flag values (`--api-key KEY`), and a
 * leading dash makes a flag parser read the key as another option (1 start in 64 would fail).
 */
export function randomSecret(bytes = 32): string {
  const secret = randomBytes(bytes).toString('base64url');
  return secret.startsWith('-') ? `A${secret.slice(1)}` : secret;
}

export function traceId(): string {
  return randomUUID();
}

export function crn(region: string, account: string, type: string, id: string): string {
  return `crn:v1:bluemix:public:is:${region}:a/${account}::${type}:${id}`;
}

/** Parsed `crn:v1:bluemix:public:is:<location>:a/<account>::<type>:<id>`; undefined when it is not an `is` CRN. */
export function parseCrn(value: string): { location: string; account: string; type: string; id: string } | undefined {
  const m = /^crn:v1:[^:]+:[^:]+:is:([^:]+):a\/([^:]+)::([^:]+):([^:]+)$/.exec(value);
  return m ? { location: m[1], account: m[2], type: m[3], id: m[4] } : undefined;
}

const WORDS = [
  'amber', 'brisk', 'cedar', 'dune', 'ember', 'fjord', 'glade', 'harbor', 'iris', 'juniper', 'kelp', 'lumen',
  'maple', 'nimbus', 'onyx', 'pebble', 'quartz', 'ridge', 'sable', 'tundra', 'umber', 'vale', 'willow', 'zephyr',
];

/** The service names an unnamed collector with a hyphenated list of random words. */
export function randomWordsName(): string {
  const b = randomBytes(4);
  return [0, 1, 2, 3].map((i) => WORDS[b[i] % WORDS.length]).join('-');
}
