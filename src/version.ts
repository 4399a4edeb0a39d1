/** Kept equal to package.json's version (a test checks it); bundles must not read package.json at run time. */
export const TOOL = { name: 'ModelGate', version: '0.1.0' } as const
