import * as core from '@actions/core'
import { log } from '../common/log.js'
import { techniqueWarnings } from '../etd/techniques.js'
import { parseConfig, type Config } from './config.js'
import { describeConfig } from './describe.js'
import { SECRET_INPUTS, secretsOf, secretsOfInput } from './secrets.js'

/** The inputs as the config: every secret masked, the raw ones before validation can echo anything back. */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const secrets: string[] = []
  const mask = (value: string) => {
    core.setSecret(value)
    secrets.push(value)
  }
  for (const name of SECRET_INPUTS) for (const part of secretsOfInput(core.getInput(name))) mask(part)
  const config = parseConfig((name) => core.getInput(name), env)
  for (const secret of secretsOf(config)) mask(secret)
  log.debug(`Resolved config: ${describeConfig(config, secrets)}`)
  for (const warning of config.runner.warnings) log.warning(warning)
  for (const warning of techniqueWarnings(config.rule.techniques)) log.warning(warning)
  return config
}
