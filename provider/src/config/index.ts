/** Provider configuration: keys, environment fallbacks, IBM endpoints per region (used by rpc/ and cli/). */
export * from './keys';
export * from './endpoints';
export * from './evaluate';
