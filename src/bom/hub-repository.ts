import type { Account } from './repository.js'

const HUB = 'https://huggingface.co'

/** `name` or `namespace/name` as the Hub spells repository ids. */
export const isHubId = (id: string): boolean => /^[\w.-]+(\/[\w.-]+)?$/.test(id) && !/^\.+$|\/\.+$|^\.+\//.test(id)

/** The account that publishes a Hub repository `namespace/name` (its supplier, a dataset's custodian); none for a bare name. */
export function hubAccount(id: string): Account | null {
  const slash = id.indexOf('/')
  return slash > 0 ? { name: id.slice(0, slash), url: `${HUB}/${id.slice(0, slash)}` } : null
}
