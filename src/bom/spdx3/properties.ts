import { byCodeUnit } from '../../util/compare.js'
import type { Property } from '../properties.js'
import type { Json } from './graph.js'

/**
 * SPDX 3.0.1's own carrier for CycloneDX properties (`extension_CdxPropertiesExtension`):
 * every CycloneDX property (src/bom/properties.ts) keeps its name and value here
 * (facts SPDX has a field for are written to that field too), sorted by name.
 * `{ extension }` to spread into an element, or nothing when there are no properties.
 */
export function cdxExtension(props: readonly Property[]): Json {
  if (props.length === 0) return {}
  // Stable: values of one name keep their order (a table's columns).
  const sorted = [...props].sort(([an], [bn]) => byCodeUnit(an, bn))
  return {
    extension: [
      {
        type: 'extension_CdxPropertiesExtension',
        extension_cdxProperty: sorted.map(([name, value]) => ({ type: 'extension_CdxPropertyEntry', extension_cdxPropName: name, extension_cdxPropValue: value }))
      }
    ]
  }
}
