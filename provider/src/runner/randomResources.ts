/**
 * The resources of `@pulumi/random` the examples use, for the offline runner: their plugin
 * (pulumi-resource-random) is a binary from GitHub releases, which this machine cannot download.
 *
 * Behaviour follows terraform-provider-random, which that plugin wraps: values come from the operating system's
 * cryptographic random source when the resource is created, are kept in state afterwards, and every input change
 * (keepers included) replaces the resource with a new value. Types the runner does not know are refused by name.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { PlainObject } from '../rpc/codec';
import type { Failure } from '../shared/failures';

export interface RandomSource {
  bytes(n: number): Buffer;
  /** An integer in [0, n). */
  below(n: number): number;
  uuid(): string;
}

export const cryptoRandom: RandomSource = { bytes: randomBytes, below: (n) => randomInt(n), uuid: randomUUID };

export type RandomFailure = Failure;

interface RandomType {
  /** Outputs the resource generates: unknown in a preview of a create or replace. */
  generated: readonly string[];
  check(inputs: PlainObject): RandomFailure[];
  /** The generated outputs and the resource's id. */
  generate(inputs: PlainObject, random: RandomSource): { id: string; outputs: PlainObject };
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NUMERIC = '0123456789';
/** terraform-provider-random's default special characters. */
const SPECIAL = '!@#$%&*()-_=+[]{}<>:?';

// Short lists in the style of the petname package the random provider uses.
const ADVERBS = ['briefly', 'calmly', 'deeply', 'eagerly', 'fairly', 'gently', 'highly', 'kindly', 'lively', 'mostly', 'neatly', 'openly', 'quickly', 'rarely', 'simply', 'truly', 'vastly', 'wholly'];
const ADJECTIVES = ['able', 'bold', 'brave', 'calm', 'clever', 'cosmic', 'eager', 'fair', 'fast', 'fond', 'glad', 'grand', 'happy', 'keen', 'kind', 'lucky', 'noble', 'proud', 'quiet', 'rapid', 'sharp', 'smart', 'steady', 'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wise', 'witty'];
const NAMES = ['badger', 'beagle', 'bison', 'condor', 'crane', 'dingo', 'eagle', 'falcon', 'ferret', 'gecko', 'heron', 'ibis', 'jaguar', 'koala', 'lemur', 'lynx', 'marmot', 'newt', 'otter', 'owl', 'panda', 'puffin', 'quail', 'raven', 'salmon', 'tapir', 'toucan', 'walrus', 'wombat', 'yak'];

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const flag = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);
const pick = (chars: string, random: RandomSource): string => chars[random.below(chars.length)];

function keepersFailures(inputs: PlainObject): RandomFailure[] {
  const k = inputs.keepers;
  if (k === undefined || k === null) return [];
  if (typeof k !== 'object' || Array.isArray(k)) return [{ property: 'keepers', reason: `keepers must be a map of strings; received ${JSON.stringify(k)}` }];
  return Object.entries(k)
    .filter(([, v]) => typeof v !== 'string')
    .map(([key, v]) => ({ property: `keepers.${key}`, reason: `keepers values must be strings; received ${JSON.stringify(v)}` }));
}

function intFailure(inputs: PlainObject, key: string, min: number, required: boolean): RandomFailure[] {
  const v = inputs[key];
  if (v === undefined || v === null) return required ? [{ property: key, reason: `${key} is required` }] : [];
  return isInt(v) && v >= min ? [] : [{ property: key, reason: `${key} must be an integer ≥ ${min}; received ${JSON.stringify(v)}` }];
}

const randomId: RandomType = {
  generated: ['b64Std', 'b64Url', 'dec', 'hex'],
  check: (inputs) => [...intFailure(inputs, 'byteLength', 1, true), ...keepersFailures(inputs)],
  generate(inputs, random) {
    const bytes = random.bytes(inputs.byteLength as number);
    const prefix = str(inputs.prefix);
    const b64Url = bytes.toString('base64url');
    return {
      id: b64Url,
      outputs: {
        b64Std: prefix + bytes.toString('base64'),
        b64Url: prefix + b64Url,
        dec: prefix + BigInt(`0x${bytes.toString('hex')}`).toString(10),
        hex: prefix + bytes.toString('hex'),
      },
    };
  },
};

const randomString: RandomType = {
  generated: ['result'],
  check(inputs) {
    const failures = [...intFailure(inputs, 'length', 1, true), ...keepersFailures(inputs)];
    for (const key of ['minLower', 'minUpper', 'minNumeric', 'minSpecial']) failures.push(...intFailure(inputs, key, 0, false));
    const mins = ['minLower', 'minUpper', 'minNumeric', 'minSpecial'].reduce((n, k) => n + (isInt(inputs[k]) ? (inputs[k] as number) : 0), 0);
    if (isInt(inputs.length) && mins > inputs.length) failures.push({ property: 'length', reason: `length ${inputs.length} is less than the sum of the min* counts (${mins})` });
    return failures;
  },
  generate(inputs, random) {
    const special = str(inputs.overrideSpecial, SPECIAL);
    const classes: Array<[string, boolean, number]> = [
      [LOWER, flag(inputs.lower, true), (inputs.minLower as number) ?? 0],
      [UPPER, flag(inputs.upper, true), (inputs.minUpper as number) ?? 0],
      [NUMERIC, flag(inputs.numeric ?? inputs.number, true), (inputs.minNumeric as number) ?? 0],
      [special, flag(inputs.special, true), (inputs.minSpecial as number) ?? 0],
    ];
    const chars: string[] = [];
    for (const [set, , min] of classes) for (let i = 0; i < min; i++) chars.push(pick(set, random));
    const all = classes.filter(([, on]) => on).map(([set]) => set).join('') || LOWER;
    while (chars.length < (inputs.length as number)) chars.push(pick(all, random));
    for (let i = chars.length - 1; i > 0; i--) {
      const j = random.below(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    const result = chars.join('');
    return { id: result, outputs: { result } };
  },
};

const randomPet: RandomType = {
  generated: [],
  check: (inputs) => [...intFailure(inputs, 'length', 1, false), ...keepersFailures(inputs)],
  generate(inputs, random) {
    const length = isInt(inputs.length) ? inputs.length : 2;
    const words = [NAMES[random.below(NAMES.length)]];
    if (length >= 2) words.unshift(ADJECTIVES[random.below(ADJECTIVES.length)]);
    for (let i = 2; i < length; i++) words.unshift(ADVERBS[random.below(ADVERBS.length)]);
    if (typeof inputs.prefix === 'string') words.unshift(inputs.prefix);
    const id = words.join(str(inputs.separator, '-'));
    return { id, outputs: {} };
  },
};

const randomInteger: RandomType = {
  generated: ['result'],
  check(inputs) {
    const failures = [...keepersFailures(inputs)];
    for (const key of ['min', 'max']) if (!isInt(inputs[key])) failures.push({ property: key, reason: `${key} is required and must be an integer; received ${JSON.stringify(inputs[key])}` });
    if (isInt(inputs.min) && isInt(inputs.max) && inputs.min > inputs.max) failures.push({ property: 'max', reason: `max (${inputs.max}) must be ≥ min (${inputs.min})` });
    return failures;
  },
  generate(inputs, random) {
    const min = inputs.min as number;
    const result = min + random.below((inputs.max as number) - min + 1);
    return { id: String(result), outputs: { result } };
  },
};

const randomUuid: RandomType = {
  generated: ['result'],
  check: keepersFailures,
  generate(_inputs, random) {
    const result = random.uuid();
    return { id: result, outputs: { result } };
  },
};

export const RANDOM_TYPES: Readonly<Record<string, RandomType>> = {
  'random:index/randomId:RandomId': randomId,
  'random:index/randomString:RandomString': randomString,
  'random:index/randomPet:RandomPet': randomPet,
  'random:index/randomInteger:RandomInteger': randomInteger,
  'random:index/randomUuid:RandomUuid': randomUuid,
};

export function randomTypeOf(type: string): RandomType {
  const t = Object.hasOwn(RANDOM_TYPES, type) ? RANDOM_TYPES[type] : undefined;
  if (!t) throw new Error(`the offline runner does not implement ${type}; it implements ${Object.keys(RANDOM_TYPES).join(', ')}`);
  return t;
}
