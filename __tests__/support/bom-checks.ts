import { Spec, Validation } from '@cyclonedx/cyclonedx-library'

/** Schema errors (null when valid) for a JSON BOM against the official 1.6 or 1.7 schema. */
export async function schemaErrors(json: string, version: '1.6' | '1.7'): Promise<unknown> {
  return new Validation.JsonStrictValidator(version === '1.6' ? Spec.Version.v1dot6 : Spec.Version.v1dot7).validate(json)
}

/** bom-refs that occur twice, and refs (dependencies, datasets, annotations, compositions) that point nowhere. */
export function refProblems(json: string): { duplicates: string[]; dangling: string[] } {
  const refs = new Set<string>()
  const duplicates: string[] = []
  const used: string[] = []
  JSON.parse(json, (key, value: unknown) => {
    if (key === 'bom-ref' && typeof value === 'string') {
      if (refs.has(value)) duplicates.push(value)
      refs.add(value)
    }
    if ((key === 'ref' || key === 'dependsOn' || key === 'subjects' || key === 'assemblies') && value !== null) {
      for (const r of [value].flat()) if (typeof r === 'string') used.push(r)
    }
    return value
  })
  return { duplicates, dangling: used.filter((r) => !refs.has(r)) }
}
