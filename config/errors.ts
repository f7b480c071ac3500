/** Thrown once at start-up with every configuration problem found, never one at a time. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_ERR_INVALID'
  readonly retriable = false
  readonly problems: readonly string[]

  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}
