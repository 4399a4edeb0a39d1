/** Known vulnerabilities in ML dependencies (OSV format; OSV API, GitHub's advisory database, local records). */
export { assessAdvisories, chooseAdvisorySource, advisoryFiles, severityFor, AdvisoryCache, UNKNOWN_LEVEL } from './assess.js'
export type { AdvisoryInput, AdvisoryMatch, AdvisoryOutcome, AdvisorySourceOption } from './assess.js'
export { advisoriesSchema, ADVISORY_LEVELS, type AdvisoryLevel, type AdvisoriesConfig } from './config-schema.js'
export { fromOsv, type Advisory } from './model.js'
export { loadOsvRecords } from './sources/files.js'
export { DEFAULT_OSV_URL, OSV_BATCH_LIMIT } from './sources/osv-api.js'
