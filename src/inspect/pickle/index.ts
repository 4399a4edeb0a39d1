/** Streaming pickle scanner: what loading a pickle would import, without loading it. */
export { scanPickle, scanPickleBuffer, PickleScan, DEFAULT_LIMITS } from './scan.js'
export type { PickleGlobal, PickleScanResult, PickleScanOptions, PickleLimits } from './scan.js'
export { classifyGlobal, type GlobalVerdict, type GlobalClass } from './globals-policy.js'
