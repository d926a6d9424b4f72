export { startEmulator, loadTopology, DEFAULT_TOPOLOGY } from './server';
export type { EmulatorOptions, EmulatorEndpoints, RunningEmulator } from './server';
export { MIN_API_VERSION } from './http/vpcRules';
export { ERROR_STATUS } from './errors';
export { WINDOW_SECONDS } from './models/flowLogFormat';
export { MAX_WINDOWS_PER_ADVANCE } from './models/flowLogWriter';
